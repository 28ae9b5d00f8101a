/**
 * `npm run bench:batch`: latency of the batch review grid (batch.list / batch.facets)
 * at 100k scored pool items, on PGlite and Postgres side by side in one run.
 *   --items N   pool size (default 100,000)   --runs N   timed calls per case (default 25)
 *   --json      one JSON object on the last line
 */
import { parseArgs } from "node:util";
import { createTestDb, type DbTarget } from "../test/db";
import { callerFor, makeProject, makeUser } from "../test/factories";
import { activateVersion, seedScoredPool } from "@/test/batch-fixtures";

const { values: args } = parseArgs({
  options: {
    items: { type: "string", default: "100000" },
    runs: { type: "string", default: "25" },
    json: { type: "boolean", default: false },
  },
});
const N = Number(args.items);
const RUNS = Number(args.runs);
const PG = process.env.TEST_DATABASE_URL ?? process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

async function measure(target: DbTarget): Promise<Record<string, number>> {
  const h = await createTestDb(target);
  try {
    const cats = Array.from({ length: 130 }, (_, i) => `Department ${i % 20} > Aisle ${i}`);
    const { project, categories } = await makeProject(h.db, { name: "Latency", categories: cats });
    const ids = categories.map((c) => c.id);
    const v = await activateVersion(h, project.id, ids);
    await seedScoredPool(h, { projectId: project.id, versionId: v, categoryIds: ids, n: N, labelled: 0.2 });
    const api = callerFor(h.db, await makeUser(h.db, { isAdmin: true }));
    const projectId = project.id;
    const cat = ids[7]!;
    const cases: [string, () => Promise<unknown>][] = [
      ["unfiltered first page, 100 rows, capped count", () => api.batch.list({ projectId, limit: 100 })],
      [
        "category + confidence >= 0.8, 100 rows",
        () => api.batch.list({ projectId, categoryId: cat, minConfidence: 0.8, limit: 100 }),
      ],
      [
        "same + uncertain (unlabelled)",
        () => api.batch.list({ projectId, categoryId: cat, minConfidence: 0.8, reason: "uncertain", limit: 100 }),
      ],
      [
        "awaiting audit, margin asc",
        () => api.batch.list({ projectId, reason: "audit", sort: "margin_asc", limit: 100 }),
      ],
      [
        "deep page (cursor at 0.5), 200 rows",
        () => api.batch.list({ projectId, cursor: { value: 0.5, itemId: 1 }, limit: 200 }),
      ],
      ["facets (130 categories)", () => api.batch.facets({ projectId })],
    ];
    const out: Record<string, number> = {};
    for (const [name, call] of cases) {
      await call(); // warm caches and plans
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        await call();
        times.push(performance.now() - s);
      }
      out[name] = Number(p50(times).toFixed(1));
    }
    return out;
  } finally {
    await h.drop();
  }
}

const pglite = await measure({ name: "pglite" });
const postgres = await measure({ name: "postgres", url: PG });
console.log(`batch.list p50 (ms) over ${RUNS} calls at ${N} scored pool items`);
console.table(Object.fromEntries(Object.keys(pglite).map((k) => [k, { pglite: pglite[k], postgres: postgres[k] }])));
if (args.json) console.log(JSON.stringify({ items: N, runs: RUNS, p50ms: { pglite, postgres } }));
