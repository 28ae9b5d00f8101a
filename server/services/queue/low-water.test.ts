/** The candidate query's low-water mark: it may make an item that opened again late, never lost. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { labels } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { modelCandidates } from "./candidates";
import { computeLowWaterMark, forgetLowWaterMarks, lowWaterMark } from "./low-water";
import { leaseNextItems } from "./next";
import { activateModel, key, seedItems, seedPredictions, seedProject, setLabel } from "@/test/queue-fixtures";

describe.each(dbTargets())("queue low-water mark on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  /** Items 0..n-1 with margins 0.1, 0.2, …: item i is the (i+1)-th most uncertain. */
  async function ranked(n: number) {
    const s = await seedProject(h.db);
    const its = await seedItems(
      h.db,
      s.project.id,
      Array.from({ length: n }, (_, i) => `Item ${i}`),
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
      its.map((it, i) => ({ itemId: it.id, categoryId: s.categories[0]!.id, margin: (i + 1) / 10 })),
    );
    const label = (i: number) =>
      setLabel(h.db, { projectId: s.project.id, itemId: its[i]!.id, categoryId: s.categories[0]!.id, source: "human" });
    const unlabel = (i: number) =>
      h.db.delete(labels).where(and(eq(labels.projectId, s.project.id), eq(labels.itemId, its[i]!.id)));
    const candidates = (limit: number, from: Awaited<ReturnType<typeof computeLowWaterMark>>) =>
      modelCandidates(h.db, {
        projectId: s.project.id,
        userId: s.users[0]!.id,
        modelVersionId: mv,
        strategy: "margin",
        withEmbeddings: false,
        limit,
        seed: 1,
        excludeIds: [],
        from,
      });
    const ids = (rows: { id: number }[]) => rows.map((r) => its.findIndex((it) => it.id === r.id));
    return { ...s, its, mv, label, unlabel, candidates, ids };
  }

  /** Waits for the background computation the first call started. */
  async function settledMark(db: TestDb["db"], projectId: number, mv: number) {
    for (let i = 0; i < 100; i++) {
      const m = lowWaterMark(db, projectId, mv, "margin");
      if (m) return m;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error("the mark was never computed");
  }

  it("is the first item without a human or import label, and the query starts there", async () => {
    const p = await ranked(5);
    await p.label(0);
    await p.label(1);
    await setLabel(h.db, {
      projectId: p.project.id,
      itemId: p.its[2]!.id,
      categoryId: p.categories[0]!.id,
      source: "auto",
    });
    const mark = await computeLowWaterMark(h.db, p.project.id, p.mv, "margin");
    // An auto label is still open (it can be reviewed), so the mark stops at item 2.
    expect(mark).toEqual({ value: 0.3, itemId: p.its[2]!.id });
    expect(p.ids(await p.candidates(2, mark))).toEqual([2, 3]);
    expect(p.ids(await p.candidates(2, null))).toEqual([2, 3]);
  });

  it("an item that opens again before the mark is late, never lost", async () => {
    const p = await ranked(4);
    await p.label(0);
    await p.label(1);
    const mark = await computeLowWaterMark(h.db, p.project.id, p.mv, "margin");
    expect(mark?.itemId).toBe(p.its[2]!.id);
    await p.unlabel(0);
    // Enough open items from the mark on: the reopened item waits for the next computation.
    expect(p.ids(await p.candidates(1, mark))).toEqual([2]);
    // Asked for more than the mark's side holds: the query starts over and finds it.
    expect(p.ids(await p.candidates(3, mark))).toEqual([0, 2, 3]);
    // Everything after the mark decided: the stale mark still hands the reopened item out.
    await p.label(2);
    await p.label(3);
    expect(p.ids(await p.candidates(1, mark))).toEqual([0]);
    // And a recomputed mark starts at it.
    expect((await computeLowWaterMark(h.db, p.project.id, p.mv, "margin"))?.itemId).toBe(p.its[0]!.id);
  });

  it("queue.next through a cached stale mark still reaches the last open item, then says done", async () => {
    const p = await ranked(3);
    await p.label(0);
    const mark = await settledMark(h.db, p.project.id, p.mv);
    expect(mark.itemId).toBe(p.its[1]!.id);
    await p.unlabel(0);
    await p.label(1);
    await p.label(2);
    const res = await leaseNextItems(h.db, { projectId: p.project.id, actorId: p.users[0]!.id, n: 1 });
    expect(res.status).toBe("ok");
    expect(res.items.map((x) => x.item.id)).toEqual([p.its[0]!.id]);
    await p.callers[0]!.annotations.submit({
      projectId: p.project.id,
      itemId: p.its[0]!.id,
      leaseToken: res.items[0]!.lease.token,
      idempotencyKey: key(),
      action: "accept",
      timeSpentMs: 1,
    });
    expect((await leaseNextItems(h.db, { projectId: p.project.id, actorId: p.users[0]!.id, n: 1 })).status).toBe(
      "done",
    );
  });

  it("an undo in this process forgets the project's marks at once", async () => {
    const p = await ranked(3);
    const a = p.callers[0]!;
    const first = await a.queue.next({ projectId: p.project.id, n: 1 });
    expect(first.items[0]!.item.id).toBe(p.its[0]!.id);
    await a.annotations.submit({
      projectId: p.project.id,
      itemId: p.its[0]!.id,
      leaseToken: first.items[0]!.lease.token,
      idempotencyKey: key(),
      action: "accept",
      timeSpentMs: 1,
    });
    forgetLowWaterMarks(h.db, p.project.id);
    const mark = await settledMark(h.db, p.project.id, p.mv);
    expect(mark.itemId).toBe(p.its[1]!.id);
    await a.annotations.undo({ projectId: p.project.id, idempotencyKey: key() });
    expect(lowWaterMark(h.db, p.project.id, p.mv, "margin")).toBeNull();
    // The undone item is leased back to its annotator; someone else gets the next most uncertain one.
    const other = await p.callers[1]!.queue.next({ projectId: p.project.id, n: 1 });
    expect(other.items[0]!.item.id).toBe(p.its[1]!.id);
  });

  it("is kept per database, project, version and strategy; entropy has none", async () => {
    const p = await ranked(2);
    const mark = await settledMark(h.db, p.project.id, p.mv);
    expect(mark.itemId).toBe(p.its[0]!.id);
    expect(lowWaterMark(h.db, p.project.id, p.mv, "entropy")).toBeNull();
    expect(lowWaterMark(h.db, p.project.id + 1000, p.mv, "margin")).toBeNull();
  });
});
