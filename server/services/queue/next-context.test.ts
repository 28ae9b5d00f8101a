import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { categories, leases } from "@/db/schema";
import { claimLeases } from "@/server/services/queue/claim";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { activateModel, key, seedItems, seedPredictions, seedProject, setLabel } from "@/test/queue-fixtures";

describe.each(dbTargets())("queue cold start, diversity and handoff context on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  /** A project whose n items have margins 0.9, 0.8, … shuffled over ids. */
  async function modelProject(n: number, settings = {}) {
    const s = await seedProject(h.db, { settings });
    const its = await seedItems(
      h.db,
      s.project.id,
      Array.from({ length: n }, (_, i) => `Widget ${i}`),
    );
    const mv = await activateModel(
      h.db,
      s.project.id,
      s.categories.map((c) => c.id),
    );
    const margins = its.map((_, i) => ((i * 7) % n) / n);
    await seedPredictions(
      h.db,
      s.project.id,
      mv,
      its.map((it, i) => ({
        itemId: it.id,
        categoryId: s.categories[0]!.id,
        second: s.categories[1]!.id,
        margin: margins[i]!,
      })),
    );
    return { ...s, items: its, mv, marginOf: new Map(its.map((it, i) => [it.id, margins[i]!])) };
  }

  it("cold start: with no active model, a seeded sample of unlabelled items", async () => {
    const s = await seedProject(h.db);
    const its = await seedItems(h.db, s.project.id, ["Red kettle", "Blue kettle", "Green mug", "Oak desk"]);
    await setLabel(h.db, {
      projectId: s.project.id,
      itemId: its[3]!.id,
      categoryId: s.categories[0]!.id,
      source: "human",
    });
    const res = await s.callers[0]!.queue.next({ projectId: s.project.id, n: 10 });
    expect(res.items.map((x) => x.item.id).sort()).toEqual(
      its
        .slice(0, 3)
        .map((x) => x.id)
        .sort(),
    );
    expect(res.items.every((x) => x.pick.reason === "cold_start" && x.prediction === null)).toBe(true);
    // Neighbours fall back to title word overlap when there are no embeddings.
    expect(res.items.find((x) => x.item.title === "Red kettle")!.neighbours.basis).toBe("none");
  });

  it("diversity spreads a batch over clusters instead of near-duplicates", async () => {
    const s = await seedProject(h.db, { settings: { diversity: true } });
    const its = await seedItems(
      h.db,
      s.project.id,
      Array.from({ length: 12 }, (_, i) => `Item ${i}`),
    );
    const mv = await activateModel(
      h.db,
      s.project.id,
      s.categories.map((c) => c.id),
    );
    // Six near-identical items have the smallest margins; three other clusters follow.
    const cluster = (i: number) => (i < 6 ? 0 : 1 + (i % 3));
    const emb = (c: number, i: number) =>
      [c === 0 ? 1 : 0, c === 1 ? 1 : 0, c === 2 ? 1 : 0, c === 3 ? 1 : 0].map((v) => v + i * 1e-3);
    await seedPredictions(
      h.db,
      s.project.id,
      mv,
      its.map((it, i) => ({
        itemId: it.id,
        categoryId: s.categories[0]!.id,
        margin: i / 100,
        embedding: emb(cluster(i), i),
      })),
    );
    const res = await s.callers[0]!.queue.next({ projectId: s.project.id, n: 3 });
    const clusters = new Set(res.items.map((x) => cluster(its.findIndex((it) => it.id === x.item.id))));
    expect(clusters.size).toBe(3);
    expect(res.items[0]!.item.id).toBe(its[0]!.id);
  });

  it("handoff context: nearest labelled items by embedding, history, deleted categories flagged", async () => {
    const s = await seedProject(h.db);
    const its = await seedItems(h.db, s.project.id, ["Target", "Twin", "Cousin", "Stranger", "Unlabelled"]);
    const mv = await activateModel(
      h.db,
      s.project.id,
      s.categories.map((c) => c.id),
    );
    const e = [
      [1, 0, 0],
      [0.99, 0.1, 0],
      [0.7, 0.7, 0],
      [0, 0, 1],
      [0, 1, 0],
    ];
    await seedPredictions(
      h.db,
      s.project.id,
      mv,
      its.map((it, i) => ({
        itemId: it.id,
        categoryId: s.categories[2]!.id,
        margin: i === 0 ? 0 : 0.5 + i / 10,
        embedding: e[i],
      })),
    );
    for (const [i, c] of [
      [1, 0],
      [2, 1],
      [3, 2],
    ] as const) {
      await setLabel(h.db, {
        projectId: s.project.id,
        itemId: its[i]!.id,
        categoryId: s.categories[c]!.id,
        source: "human",
      });
    }
    await h.db
      .update(categories)
      .set({ deletedAt: sql`now()` })
      .where(eq(categories.id, s.categories[2]!.id));
    const first = (await s.callers[0]!.queue.next({ projectId: s.project.id, n: 1 })).items[0]!;
    expect(first.item.title).toBe("Target");
    expect(first.neighbours.basis).toBe("embedding");
    expect(first.neighbours.items.map((n) => n.title)).toEqual(["Twin", "Cousin"]);
    expect(first.neighbours.items[0]!.label).toMatchObject({ path: "Audio > Headphones", source: "human" });
    expect(first.prediction!.top[0]).toMatchObject({ path: "Computers > Keyboards", deleted: true });
    // Skip it, undo: the history shows both.
    await s.callers[0]!.annotations.submit({
      projectId: s.project.id,
      itemId: first.item.id,
      leaseToken: first.lease.token,
      idempotencyKey: key(),
      action: "skip",
      timeSpentMs: 1,
    });
    await s.callers[0]!.annotations.undo({ projectId: s.project.id, idempotencyKey: key() });
    const back = (await s.callers[0]!.queue.next({ projectId: s.project.id, n: 1 })).items[0]!;
    expect(back.item.id).toBe(first.item.id);
    expect(back.history.map((x) => x.action)).toEqual(["undo", "skip"]);
  });

  it("title overlap neighbours when the model has no embeddings", async () => {
    const s = await seedProject(h.db);
    const its = await seedItems(h.db, s.project.id, [
      "Sony wireless headphones black",
      "Sony wireless headphones white",
      "Oak desk",
    ]);
    await setLabel(h.db, {
      projectId: s.project.id,
      itemId: its[1]!.id,
      categoryId: s.categories[0]!.id,
      source: "human",
    });
    await setLabel(h.db, {
      projectId: s.project.id,
      itemId: its[2]!.id,
      categoryId: s.categories[2]!.id,
      source: "human",
    });
    const x = (await s.callers[0]!.queue.next({ projectId: s.project.id, n: 1 })).items[0]!;
    expect(x.neighbours.basis).toBe("title");
    expect(x.neighbours.items.map((n) => n.itemId)).toEqual([its[1]!.id]);
  });

  it("the lease table, not the code, refuses a second live lease; racing callers split the items", async () => {
    const p = await modelProject(1);
    const [a, b] = p.users as [(typeof p.users)[0], (typeof p.users)[0]];
    const item = p.items[0]!.id;
    const pick = [{ itemId: item, reason: "uncertain" as const, score: 0 }];
    const first = await claimLeases(h.db, { projectId: p.project.id, userId: a.id, leaseMinutes: 10, picks: pick });
    expect(first).toHaveLength(1);
    expect(await claimLeases(h.db, { projectId: p.project.id, userId: b.id, leaseMinutes: 10, picks: pick })).toEqual(
      [],
    );
    expect(await h.db.select({ userId: leases.userId }).from(leases).where(eq(leases.itemId, item))).toEqual([
      { userId: a.id },
    ]);
    await h.db.delete(leases).where(eq(leases.itemId, item));
    const raced = await Promise.all(p.callers.map((c) => c.queue.next({ projectId: p.project.id, n: 1 })));
    expect(raced.map((r) => r.items.length).sort()).toEqual([0, 1]);
    expect(raced.find((r) => r.items.length === 0)!.status).toBe("all_leased");
    const q = await modelProject(10);
    const many = await Promise.all(q.callers.map((c) => c.queue.next({ projectId: q.project.id, n: 5 })));
    const ids = many.flatMap((r) => r.items.map((x) => x.item.id));
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
  });
});
