/**
 * Latency of batch.list at 100k scored items, on each database. A report,
 * not an assertion (shared 2-core machines make timings noisy): run with
 *   LOUPE_BATCH_BENCH=1 TEST_DATABASE_URL=… npx vitest run server/services/__tests__/batch-grid-latency.test.ts
 * LOUPE_BATCH_BENCH_ITEMS changes the pool size.
 */
import { afterAll, beforeAll, describe, it } from "vitest";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { callerFor, makeProject, makeUser } from "@/test/factories";
import { activateVersion, seedScoredPool } from "./batch-fixtures";

const N = Number(process.env.LOUPE_BATCH_BENCH_ITEMS ?? 100_000);
const RUNS = 25;

function p50(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)]!;
}

describe.runIf(process.env.LOUPE_BATCH_BENCH === "1").each(dbTargets())("batch.list latency on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  it(`p50 over ${RUNS} calls at ${N} items`, { timeout: 1_800_000 }, async () => {
    const cats = Array.from({ length: 130 }, (_, i) => `Department ${i % 20} > Aisle ${i}`);
    const { project, categories } = await makeProject(h.db, { name: "Latency", categories: cats });
    const v = await activateVersion(h, project.id, categories.map((c) => c.id));
    const t0 = performance.now();
    await seedScoredPool(h, { projectId: project.id, versionId: v, categoryIds: categories.map((c) => c.id), n: N, labelled: 0.2 });
    const seedMs = performance.now() - t0;
    const api = callerFor(h.db, await makeUser(h.db, { isAdmin: true }));
    const projectId = project.id;
    const cat = categories[7]!.id;
    const cases: [string, () => Promise<unknown>][] = [
      ["first page, unfiltered, confidence desc, 100 rows (with capped count)", () => api.batch.list({ projectId, limit: 100 })],
      ["first page, category + confidence ≥ 0.8, 100 rows (with count)", () => api.batch.list({ projectId, categoryId: cat, minConfidence: 0.8, limit: 100 })],
      ["first page, category + confidence ≥ 0.8 + uncertain (unlabelled)", () => api.batch.list({ projectId, categoryId: cat, minConfidence: 0.8, reason: "uncertain", limit: 100 })],
      ["first page, auto-accepted awaiting audit, margin asc", () => api.batch.list({ projectId, reason: "audit", sort: "margin_asc", limit: 100 })],
      ["deep page (cursor at confidence 0.5), unfiltered, 200 rows", () => api.batch.list({ projectId, cursor: { value: 0.5, itemId: 1 }, limit: 200 })],
      ["facets (130 categories)", () => api.batch.facets({ projectId })],
    ];
    const report: Record<string, string> = { seed: `${Math.round(seedMs)} ms for ${N} items` };
    for (const [name, call] of cases) {
      await call(); // warm
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const s = performance.now();
        await call();
        times.push(performance.now() - s);
      }
      report[name] = `p50 ${p50(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`;
    }
    console.log(`batch.list latency on ${target.name}, ${N} items`);
    console.table(report);
  });
});
