import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { annotations, categories, labels, leases } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { snapshotDb } from "@/test/db-snapshot";
import { activateModel, key, seedItems, seedPredictions, seedProject } from "@/test/queue-fixtures";

describe.each(dbTargets())("batch decisions on $name", (target) => {
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

  it("submitBatch: all or nothing — one deleted category stores nothing", async () => {
    const t = await setup(4);
    await h.db
      .update(categories)
      .set({ deletedAt: sql`now()` })
      .where(eq(categories.id, t.categories[2]!.id));
    const before = await snapshotDb(h);
    const decisions = [
      { itemId: t.its[0]!.id, action: "accept" as const },
      { itemId: t.its[1]!.id, action: "correct" as const, categoryId: t.categories[1]!.id },
      { itemId: t.its[2]!.id, action: "correct" as const, categoryId: t.categories[2]!.id },
    ];
    await expect(
      t.reviewer.annotations.submitBatch({ projectId: t.pid, idempotencyKey: key(), decisions }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("Computers > Keyboards") });
    expect(await snapshotDb(h)).toEqual(before);
    const ok = await t.reviewer.annotations.submitBatch({
      projectId: t.pid,
      idempotencyKey: key(),
      decisions: decisions.slice(0, 2),
    });
    expect(ok.decisions.map((d) => d.label)).toEqual([
      { categoryId: t.categories[0]!.id, source: "human" },
      { categoryId: t.categories[1]!.id, source: "human" },
    ]);
    expect(await t.countAnn()).toBe(2);
  });

  it("submitBatch: items under someone else's live lease are a CONFLICT naming them; replays store nothing new", async () => {
    const t = await setup(3);
    const held = await t.lease(t.ann);
    const decisions = t.its.map((it) => ({ itemId: it.id, action: "reject" as const }));
    const k = key();
    const conflict = t.reviewer.annotations.submitBatch({ projectId: t.pid, idempotencyKey: k, decisions });
    await expect(conflict).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(conflict).rejects.toThrow(/1 item\(s\)/);
    expect(await t.countAnn()).toBe(0);
    // An expired lease does not block, and its stale token loses afterwards.
    await h.db
      .update(leases)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(leases.itemId, held.item.id));
    const first = await t.reviewer.annotations.submitBatch({ projectId: t.pid, idempotencyKey: k, decisions });
    const again = await t.reviewer.annotations.submitBatch({ projectId: t.pid, idempotencyKey: k, decisions });
    expect(again.decisions.map((d) => d.annotationId).sort()).toEqual(
      first.decisions.map((d) => d.annotationId).sort(),
    );
    expect(await t.countAnn()).toBe(3);
    await expect(
      t.ann.annotations.submit({
        projectId: t.pid,
        itemId: held.item.id,
        leaseToken: held.lease.token,
        idempotencyKey: key(),
        action: "accept",
        timeSpentMs: 1,
      }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    // Annotators may not use the grid.
    await expect(
      t.ann.annotations.submitBatch({ projectId: t.pid, idempotencyKey: key(), decisions }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
