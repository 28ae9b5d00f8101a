import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { annotations, auditEvents, labels } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { activateModel, key, seedItems, seedPredictions, seedProject } from "@/test/queue-fixtures";

describe.each(dbTargets())("undo of a batch on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  async function setup(n: number) {
    const s = await seedProject(h.db, { roles: ["reviewer", "reviewer"] });
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
        margin: i / 10,
      })),
    );
    const [me, other] = s.callers as [(typeof s.callers)[0], (typeof s.callers)[0]];
    const labelsOf = async () =>
      (await h.db.select().from(labels).where(eq(labels.projectId, s.project.id)))
        .map((l) => ({ itemId: l.itemId, categoryId: l.categoryId, source: l.source }))
        .sort((a, b) => a.itemId - b.itemId);
    return { ...s, its, mv, pid: s.project.id, me, other, labelsOf };
  }

  it("restores every label the batch replaced, as one audited action, and replays", async () => {
    const t = await setup(3);
    // One item had a human label before the batch.
    await t.other.annotations.submitBatch({
      projectId: t.pid,
      idempotencyKey: key(),
      decisions: [{ itemId: t.its[2]!.id, action: "correct", categoryId: t.categories[1]!.id }],
    });
    const before = await t.labelsOf();
    const batch = await t.me.annotations.submitBatch({
      projectId: t.pid,
      idempotencyKey: key(),
      decisions: t.its.map((it) => ({ itemId: it.id, action: "accept" as const })),
    });
    expect(await t.labelsOf()).not.toEqual(before);
    const undoKey = key();
    const ids = batch.decisions.map((d) => d.annotationId);
    const res = await t.me.annotations.undoBatch({ projectId: t.pid, idempotencyKey: undoKey, annotationIds: ids });
    expect(res.undone.map((u) => u.undoneAnnotationId).sort()).toEqual([...ids].sort());
    expect(await t.labelsOf()).toEqual(before);
    const events = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.projectId, t.pid), eq(auditEvents.action, "annotation.batch_undo")));
    expect(events).toHaveLength(1);
    // The same request again answers the same, and writes nothing more.
    const count = async () => (await h.db.select().from(annotations).where(eq(annotations.projectId, t.pid))).length;
    const n = await count();
    expect(await t.me.annotations.undoBatch({ projectId: t.pid, idempotencyKey: undoKey, annotationIds: ids })).toEqual(
      res,
    );
    expect(await count()).toBe(n);
    // A second undo of the same batch is refused.
    await expect(
      t.me.annotations.undoBatch({ projectId: t.pid, idempotencyKey: key(), annotationIds: ids }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("undoes nothing when an item was decided again since, or a decision is someone else's", async () => {
    const t = await setup(2);
    const batch = await t.me.annotations.submitBatch({
      projectId: t.pid,
      idempotencyKey: key(),
      decisions: t.its.map((it) => ({ itemId: it.id, action: "accept" as const })),
    });
    const ids = batch.decisions.map((d) => d.annotationId);
    await expect(
      t.other.annotations.undoBatch({ projectId: t.pid, idempotencyKey: key(), annotationIds: ids }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await t.other.annotations.submitBatch({
      projectId: t.pid,
      idempotencyKey: key(),
      decisions: [{ itemId: t.its[0]!.id, action: "correct", categoryId: t.categories[1]!.id }],
    });
    const after = await t.labelsOf();
    await expect(
      t.me.annotations.undoBatch({ projectId: t.pid, idempotencyKey: key(), annotationIds: ids }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await t.labelsOf()).toEqual(after);
    await expect(
      t.me.annotations.undoBatch({ projectId: t.pid, idempotencyKey: key(), annotationIds: [ids[0]!, ids[0]!] }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
