/**
 * The queue's random samples (cold start, audits, the random strategy) walk a
 * fixed per-item key (hashint4(id), indexed) from a seeded pivot, wrapping
 * around at the end of the range (queue-sql.ts walkFromPivot). Checked here
 * against a brute-force reading of the same keys: the walk returns exactly the
 * next eligible items after the pivot, wraps when the pivot is past them all,
 * and every eligible item is reachable; and the index serves the walk.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { executeRows } from "@/db/client";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { auditCandidates, modelCandidates, randomCandidates } from "./candidates";
import { pivotOf } from "./open-items-sql";
import { activateModel, seedItems, seedPredictions, seedProject, setLabel } from "@/test/queue-fixtures";

/** The seed whose pivot is the smallest one at or above `key` (pivotOf is monotone). */
function seedAtOrAbove(key: number): number {
  let lo = 0;
  let hi = 2_147_483_646;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (pivotOf(mid) >= key) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

describe.each(dbTargets())("queue random walk on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  async function keysOf(ids: number[]): Promise<Map<number, number>> {
    const rows = await executeRows<{ id: number; k: number }>(
      h.db,
      sql`select id, hashint4(id) as k from items where id in ${sql`(${sql.join(
        ids.map((i) => sql`${i}`),
        sql`, `,
      )})`}`,
    );
    return new Map(rows.map((r) => [Number(r.id), Number(r.k)]));
  }

  /** What the walk must return: eligible ids in key order from the pivot, then from the bottom. */
  function expected(keys: Map<number, number>, eligible: number[], seed: number, limit: number): number[] {
    const pivot = pivotOf(seed);
    const byKey = [...eligible].sort((a, b) => keys.get(a)! - keys.get(b)!);
    const above = byKey.filter((id) => keys.get(id)! >= pivot);
    const below = byKey.filter((id) => keys.get(id)! < pivot);
    return [...above, ...below].slice(0, limit);
  }

  it("pivots map seeds monotonically over the whole int4 range", () => {
    expect(pivotOf(0)).toBe(-(2 ** 31));
    expect(pivotOf(2_147_483_647)).toBe(2 ** 31 - 1);
    for (let s = 1; s < 2_000_000_000; s += 99_999_989) expect(pivotOf(s)).toBeGreaterThan(pivotOf(s - 1));
  });

  it("cold start: the next open items after the pivot, wrapping past the end; every item reachable", async () => {
    const s = await seedProject(h.db);
    const its = await seedItems(
      h.db,
      s.project.id,
      Array.from({ length: 40 }, (_, i) => `Item ${i}`),
    );
    // Labelled items are not open: the walk passes over them.
    for (const it of its.slice(0, 10))
      await setLabel(h.db, {
        projectId: s.project.id,
        itemId: it.id,
        categoryId: s.categories[0]!.id,
        source: "human",
      });
    const open = its.slice(10).map((it) => it.id);
    const keys = await keysOf(its.map((it) => it.id));
    const cold = (seed: number, limit: number) =>
      randomCandidates(h.db, { projectId: s.project.id, userId: s.users[0]!.id, limit, seed, excludeIds: [] }).then(
        (r) => r.map((x) => x.id),
      );

    for (const seed of [1, 123_456_789, 1_500_000_000])
      expect(await cold(seed, 7)).toEqual(expected(keys, open, seed, 7));
    // A pivot above every open item's key: all of it comes from the wrap-around.
    const top = Math.max(...open.map((id) => keys.get(id)!));
    const past = seedAtOrAbove(top + 1);
    expect(await cold(past, 5)).toEqual(expected(keys, open, past, 5));
    expect(await cold(past, 5)).toHaveLength(5);
    // Asking for more than there is returns each open item once.
    const all = await cold(987_654_321, 100);
    expect([...all].sort((a, b) => a - b)).toEqual([...open].sort((a, b) => a - b));
    // Every open item is the first pick of the last seed whose pivot is at or below its key.
    for (const id of open.slice(0, 8)) expect((await cold(seedAtOrAbove(keys.get(id)! + 1) - 1, 1))[0]).toBe(id);
  });

  it("audits: only unaudited auto labels, in walk order from the pivot", async () => {
    const s = await seedProject(h.db);
    const its = await seedItems(
      h.db,
      s.project.id,
      Array.from({ length: 30 }, (_, i) => `Item ${i}`),
    );
    const autos = its.filter((_, i) => i % 3 !== 0).map((it) => it.id);
    for (const id of autos)
      await setLabel(h.db, { projectId: s.project.id, itemId: id, categoryId: s.categories[1]!.id, source: "auto" });
    const keys = await keysOf(its.map((it) => it.id));
    const audit = (seed: number, limit: number) =>
      auditCandidates(h.db, { projectId: s.project.id, userId: s.users[0]!.id, limit, seed, excludeIds: [] }, 1);
    for (const seed of [5, 777_777_777, 2_100_000_000])
      expect(await audit(seed, 4)).toEqual(expected(keys, autos, seed, 4));
    const all = await audit(42, 100);
    expect([...all].sort((a, b) => a - b)).toEqual([...autos].sort((a, b) => a - b));
  });

  it("the random strategy walks the scored items the same way", async () => {
    const s = await seedProject(h.db, { settings: { strategy: "random" } });
    const its = await seedItems(
      h.db,
      s.project.id,
      Array.from({ length: 25 }, (_, i) => `Item ${i}`),
    );
    const mv = await activateModel(
      h.db,
      s.project.id,
      s.categories.map((c) => c.id),
    );
    await seedPredictions(
      h.db,
      s.project.id,
      mv,
      its.map((it, i) => ({ itemId: it.id, categoryId: s.categories[0]!.id, margin: (i + 1) / 30 })),
    );
    const keys = await keysOf(its.map((it) => it.id));
    const ids = its.map((it) => it.id);
    for (const seed of [9, 1_234_567_890]) {
      const rows = await modelCandidates(h.db, {
        projectId: s.project.id,
        userId: s.users[0]!.id,
        modelVersionId: mv,
        strategy: "random",
        withEmbeddings: false,
        limit: 6,
        seed,
        excludeIds: [],
      });
      expect(rows.map((r) => r.id)).toEqual(expected(keys, ids, seed, 6));
    }
  });

  it("is an index range scan on items_project_random_idx, not a sort of every candidate", async () => {
    const s = await seedProject(h.db);
    await seedItems(
      h.db,
      s.project.id,
      Array.from({ length: 3000 }, (_, i) => `Item ${i}`),
    );
    await h.db.execute(sql`analyze items`);
    const plan = await executeRows<Record<string, string>>(
      h.db,
      sql`explain select id from items where project_id = ${s.project.id} and split = 'pool' and hashint4(id) >= 0 order by hashint4(id) limit 5`,
    );
    const text = plan.map((r) => Object.values(r)[0]).join("\n");
    expect(text).toContain("items_project_random_idx");
    expect(text).not.toMatch(/\bSort\b/);
  });
});
