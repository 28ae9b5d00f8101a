import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { annotations, labels } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { snapshotDb } from "@/test/db-snapshot";
import { activateModel, key, seedItems, seedPredictions, seedProject, setLabel } from "@/test/queue-fixtures";

describe.each(dbTargets())("undo and my decisions on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  /** n items predicted as category 0 (runner-up 1), an annotator, a second annotator and a reviewer. */
  async function setup(n: number) {
    const s = await seedProject(h.db, { roles: ["annotator", "annotator", "reviewer"] });
    const its = await seedItems(
      h.db,
      s.project.id,
      Array.from({ length: n }, (_, i) => `Thing ${i}`),
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
      its.map((it, i) => ({
        itemId: it.id,
        categoryId: s.categories[0]!.id,
        second: s.categories[1]!.id,
        margin: i / (n + 1),
      })),
    );
    const [ann, ann2, reviewer] = s.callers as [(typeof s.callers)[0], (typeof s.callers)[0], (typeof s.callers)[0]];
    const pid = s.project.id;
    const lease = async (caller = ann) => (await caller.queue.next({ projectId: pid, n: 1 })).items[0]!;
    const countAnn = async () => (await h.db.select().from(annotations).where(eq(annotations.projectId, pid))).length;
    const labelOf = async (itemId: number) =>
      (await h.db.select().from(labels).where(eq(labels.itemId, itemId)))[0] ?? null;
    return { ...s, its, mv, pid, ann, ann2, reviewer, lease, countAnn, labelOf };
  }

  it("undo restores the previous label, appends an undo, and leases the item back to decide again", async () => {
    const t = await setup(2);
    const item = t.its[0]!;
    await setLabel(h.db, { projectId: t.pid, itemId: item.id, categoryId: t.categories[1]!.id, source: "auto" });
    const x = (await t.ann.queue.next({ projectId: t.pid, n: 2 })).items.find((i) => i.item.id === item.id)!;
    const d = await t.ann.annotations.submit({
      projectId: t.pid,
      itemId: item.id,
      leaseToken: x.lease.token,
      idempotencyKey: key(),
      action: "correct",
      categoryId: t.categories[2]!.id,
      timeSpentMs: 1,
    });
    const undoKey = key();
    const u = await t.ann.annotations.undo({ projectId: t.pid, idempotencyKey: undoKey, annotationId: d.annotationId });
    expect(u).toMatchObject({
      undoneAnnotationId: d.annotationId,
      itemId: item.id,
      restoredLabel: { categoryId: t.categories[1]!.id, source: "auto" },
    });
    expect(await t.labelOf(item.id)).toMatchObject({
      source: "auto",
      categoryId: t.categories[1]!.id,
      userId: null,
      annotationId: null,
    });
    const rows = await h.db.select().from(annotations).where(eq(annotations.itemId, item.id)).orderBy(annotations.id);
    expect(rows.map((r) => [r.action, r.undoesAnnotationId])).toEqual([
      ["correct", null],
      ["undo", d.annotationId],
    ]);
    // The replay returns the same undo; nothing new.
    expect(await t.ann.annotations.undo({ projectId: t.pid, idempotencyKey: undoKey })).toEqual(u);
    expect(await t.countAnn()).toBe(2);
    // Leased back: decide again with the new token.
    expect(u.lease).not.toBeNull();
    const again = await t.ann.annotations.submit({
      projectId: t.pid,
      itemId: item.id,
      leaseToken: u.lease!.token,
      idempotencyKey: key(),
      action: "accept",
      timeSpentMs: 1,
    });
    expect(again.label).toEqual({ categoryId: t.categories[0]!.id, source: "human" });
  });

  it("undo of a first label removes it; undo is refused after the window and for someone else's decision", async () => {
    const t = await setup(2);
    const x = await t.lease();
    const d = await t.ann.annotations.submit({
      projectId: t.pid,
      itemId: x.item.id,
      leaseToken: x.lease.token,
      idempotencyKey: key(),
      action: "reject",
      timeSpentMs: 1,
    });
    await expect(
      t.ann2.annotations.undo({ projectId: t.pid, idempotencyKey: key(), annotationId: d.annotationId }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await t.ann.annotations.undo({ projectId: t.pid, idempotencyKey: key() });
    expect(await t.labelOf(x.item.id)).toBeNull();
    const y = await t.lease();
    await t.ann.annotations.submit({
      projectId: t.pid,
      itemId: y.item.id,
      leaseToken: y.lease.token,
      idempotencyKey: key(),
      action: "reject",
      timeSpentMs: 1,
    });
    // Decisions are append-only (a trigger); only to fake the passing of time, the table's owner lifts it here.
    await h.db.transaction(async (tx) => {
      await tx.execute(sql`alter table ${annotations} disable trigger annotations_append_only`);
      await tx
        .update(annotations)
        .set({ createdAt: sql`now() - interval '5 minutes'` })
        .where(eq(annotations.projectId, t.pid));
      await tx.execute(sql`alter table ${annotations} enable trigger annotations_append_only`);
    });
    const before = await snapshotDb(h);
    await expect(t.ann.annotations.undo({ projectId: t.pid, idempotencyKey: key() })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(await snapshotDb(h)).toEqual(before);
  });

  it("two different undos at once undo the last decision once", async () => {
    const t = await setup(2);
    const x = await t.lease();
    const d = await t.ann.annotations.submit({
      projectId: t.pid,
      itemId: x.item.id,
      leaseToken: x.lease.token,
      idempotencyKey: key(),
      action: "reject",
      timeSpentMs: 1,
    });
    const results = await Promise.allSettled(
      [0, 1].map(() =>
        t.ann.annotations.undo({ projectId: t.pid, idempotencyKey: key(), annotationId: d.annotationId }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const undos = await h.db
      .select()
      .from(annotations)
      .where(and(eq(annotations.projectId, t.pid), eq(annotations.action, "undo")));
    expect(undos).toHaveLength(1);
  });

  it("listMine: today's count, pace per hour and recent decisions", async () => {
    const t = await setup(4);
    for (let i = 0; i < 3; i++) {
      const x = await t.lease();
      await t.ann.annotations.submit({
        projectId: t.pid,
        itemId: x.item.id,
        leaseToken: x.lease.token,
        idempotencyKey: key(),
        action: i === 2 ? "skip" : "accept",
        timeSpentMs: 1,
      });
    }
    const mine = await t.ann.annotations.listMine({ projectId: t.pid, limit: 10 });
    expect(mine.today).toBe(2);
    expect(mine.perHour.at(-1)!.count).toBe(2);
    expect(mine.recent.map((r) => r.action)).toEqual(["skip", "accept", "accept"]);
    expect(mine.recent[1]!.categoryPath).toBe("Audio > Headphones");
    expect((await t.ann2.annotations.listMine({ projectId: t.pid, limit: 10 })).today).toBe(0);
  });
});
