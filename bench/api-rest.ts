/**
 * `npm run bench:api -- --rest [--items 100000] [--batch 1000] [--clients 4] [--page 10000] [--keep-db] [--json]`
 *
 * The REST API's bulk paths on a fresh Postgres database: starts `npm start`'s web
 * server (scripts/serve.ts) against it, creates an API token with the write and read
 * scopes, upserts --items items through `POST /api/v1/projects/{id}/items` in batches
 * of --batch from --clients concurrent clients (every item with a category, so each
 * upsert also writes an import label), then pulls every label change through
 * `GET /api/v1/projects/{id}/labels` in pages of --page, following `next` (three walks, the median).
 * Reports items upserted/s and labels pulled/s; goals 10k and 50k.
 * --json prints one JSON object on the last line.
 */
import { parseArgs } from "node:util";
import { addMember, makeProject, makeUser } from "@/test/factories";
import { createApiToken } from "@/server/services/api-tokens";
import { snapshotBuild, startServer } from "./lib/api-server";
import { analyze, openBenchDb } from "./lib/loop-db";

const GOAL_UPSERT = 10_000;
const GOAL_PULL = 50_000;
const CATEGORIES = Array.from({ length: 40 }, (_, i) => `Department ${i % 8} > Aisle ${i}`);

export async function runRestBench(argv: string[]): Promise<void> {
  const { values: a } = parseArgs({
    args: argv,
    options: {
      rest: { type: "boolean", default: true },
      items: { type: "string", default: "100000" },
      batch: { type: "string", default: "1000" },
      clients: { type: "string", default: "4" },
      page: { type: "string", default: "10000" },
      "keep-db": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  const total = Math.max(1, Number(a.items));
  const batchSize = Math.max(1, Math.min(1_000, Number(a.batch)));
  const clients = Math.max(1, Math.min(32, Number(a.clients)));
  const pageSize = Math.max(1, Math.min(10_000, Number(a.page)));
  const log = (s: string) => (a.json ? process.stderr.write(s + "\n") : console.log(s));

  const app = await snapshotBuild(log);
  const bench = await openBenchDb("loupe_bench_rest");
  // Enough calls per minute for the bench's own token; production keeps its default.
  process.env.API_TOKEN_RATE_PER_MINUTE = "1000000";
  const server = await startServer(app.dir, bench.url, log);
  try {
    const db = bench.handle.db;
    const owner = await makeUser(db);
    const { project } = await makeProject(db, { categories: CATEGORIES });
    await addMember(db, project.id, owner.id, "admin");
    const { token } = await createApiToken(db, {
      actor: owner,
      name: "bench",
      scopes: ["read", "write"],
      expiresInDays: 1,
    });
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const base = `${server.base}/api/v1/projects/${project.id}`;

    // Upsert: batch b holds items [b*size, (b+1)*size); clients take the next batch as they finish.
    const batches = Math.ceil(total / batchSize);
    let nextBatch = 0;
    let upserted = 0;
    const client = async () => {
      for (let b = nextBatch++; b < batches; b = nextBatch++) {
        const from = b * batchSize;
        const rows = Array.from({ length: Math.min(batchSize, total - from) }, (_, k) => {
          const i = from + k;
          return {
            id: `sku-${i}`,
            title: `Product ${i} of the REST bench, a plain title`,
            description: `Item ${i}`,
            category: CATEGORIES[i % CATEGORIES.length],
            brand: `Brand ${i % 97}`,
          };
        });
        const res = await fetch(`${base}/items`, { method: "POST", headers, body: JSON.stringify({ items: rows }) });
        if (res.status !== 200) throw new Error(`upsert batch ${b}: ${res.status} ${await res.text()}`);
        upserted += rows.length;
      }
    };
    const t0 = performance.now();
    await Promise.all(Array.from({ length: clients }, client));
    const upsertSeconds = (performance.now() - t0) / 1000;
    const upsertItemsPerSecond = Math.round(upserted / upsertSeconds);
    log(`upserted ${upserted} items in ${upsertSeconds.toFixed(1)} s: ${upsertItemsPerSecond} items/s`);
    await analyze(bench.handle);

    // Pull: one client follows the cursor from the start, as a pipeline would; three walks, the
    // median reported (one walk is ~2 s, where a checkpoint or a statistics refresh moves it by a fifth).
    const walk = async () => {
      let since: string | null = null;
      let count = 0;
      let pages = 0;
      const t1 = performance.now();
      for (;;) {
        const q: string = `?limit=${pageSize}${since ? `&since=${since}` : ""}`;
        const res = await fetch(`${base}/labels${q}`, { headers });
        if (res.status !== 200) throw new Error(`pull: ${res.status} ${await res.text()}`);
        const page = (await res.json()) as { changes: unknown[]; next: string; hasMore: boolean };
        count += page.changes.length;
        pages++;
        since = page.next;
        if (!page.hasMore) break;
      }
      return { count, pages, seconds: (performance.now() - t1) / 1000 };
    };
    const walks = [await walk(), await walk(), await walk()];
    const { count: pulled, pages, seconds: pullSeconds } = [...walks].sort((x, y) => x.seconds - y.seconds)[1]!;
    const pullLabelsPerSecond = Math.round(pulled / pullSeconds);
    log(
      `pulled ${pulled} label changes in ${pages} pages, median of 3 walks ${pullSeconds.toFixed(2)} s ` +
        `(${walks.map((w) => w.seconds.toFixed(2)).join(", ")}): ${pullLabelsPerSecond} labels/s`,
    );
    if (pulled !== upserted) throw new Error(`pulled ${pulled} changes for ${upserted} labelled items`);
    log(
      `goals: upsert ${GOAL_UPSERT}/s ${upsertItemsPerSecond >= GOAL_UPSERT ? "met" : "MISSED"}, ` +
        `pull ${GOAL_PULL}/s ${pullLabelsPerSecond >= GOAL_PULL ? "met" : "MISSED"}`,
    );
    if (a.json)
      console.log(
        JSON.stringify({
          items: upserted,
          batchSize,
          clients,
          upsertSeconds: Number(upsertSeconds.toFixed(2)),
          upsertItemsPerSecond,
          labels: pulled,
          pageSize,
          pages,
          pullSeconds: Number(pullSeconds.toFixed(2)),
          pullLabelsPerSecond,
        }),
      );
  } finally {
    await server.stop();
    app.remove();
    if (a["keep-db"]) log(`kept database ${bench.url}`);
    else await bench.drop();
  }
}
