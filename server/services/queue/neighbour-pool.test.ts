/** The in-process neighbour pool: per database, refreshed after a short time, never mixing projects. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { clearNeighbourPools, embeddingPool, titlePool } from "./neighbour-pool";
import { activateModel, seedItems, seedPredictions, seedProject, setLabel } from "@/test/queue-fixtures";

describe.each(dbTargets())("neighbour pool on $name", (target) => {
  let h: TestDb;
  let other: TestDb;
  beforeAll(async () => {
    [h, other] = await Promise.all([createTestDb(target), createTestDb(target)]);
  });
  afterAll(async () => Promise.all([h?.drop(), other?.drop()]));

  async function labelledProject(db: TestDb["db"], titles: string[]) {
    const s = await seedProject(db);
    const its = await seedItems(db, s.project.id, titles);
    const mv = await activateModel(
      db,
      s.project.id,
      s.categories.map((c) => c.id),
    );
    await seedPredictions(
      db,
      s.project.id,
      mv,
      its.map((it, i) => ({ itemId: it.id, categoryId: s.categories[0]!.id, margin: 0.5, embedding: [1, i, 0] })),
    );
    await setLabel(db, {
      projectId: s.project.id,
      itemId: its[0]!.id,
      categoryId: s.categories[0]!.id,
      source: "human",
    });
    return { s, its, mv };
  }

  it("serves a cached pool within its freshness window; clearing reloads it", async () => {
    const { s, its, mv } = await labelledProject(h.db, ["A", "B"]);
    const first = await embeddingPool(h.db, s.project.id, mv);
    expect(first.rows.map((r) => r.itemId)).toEqual([its[0]!.id]);
    expect(first.dim).toBe(3);
    await setLabel(h.db, {
      projectId: s.project.id,
      itemId: its[1]!.id,
      categoryId: s.categories[1]!.id,
      source: "human",
    });
    expect(await embeddingPool(h.db, s.project.id, mv)).toBe(first);
    clearNeighbourPools(h.db);
    const again = await embeddingPool(h.db, s.project.id, mv);
    expect(new Set(again.rows.map((r) => r.itemId))).toEqual(new Set([its[0]!.id, its[1]!.id]));
  });

  it("two databases with the same project id never see each other's pool", async () => {
    // The first test made project 1 in `h`; the fresh `other` database makes its own project 1.
    const b = await labelledProject(other.db, ["Only in the second database"]);
    expect(b.s.project.id).toBe(1);
    const ta = await titlePool(h.db, 1);
    const tb = await titlePool(other.db, 1);
    expect(ta.rows.map((r) => r.title).sort()).toEqual(["A", "B"]);
    expect(tb.rows.map((r) => r.title)).toEqual(["Only in the second database"]);
  });

  it("concurrent callers share one load", async () => {
    const { s, mv } = await labelledProject(h.db, ["X"]);
    const pools = await Promise.all(Array.from({ length: 8 }, () => embeddingPool(h.db, s.project.id, mv)));
    expect(new Set(pools).size).toBe(1);
  });
});
