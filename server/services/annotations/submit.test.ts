import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { annotations, auditEvents, categories, labels, leases } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { snapshotDb } from "@/test/db-snapshot";
import { activateModel, key, seedItems, seedPredictions, seedProject } from "@/test/queue-fixtures";

describe.each(dbTargets())("single decisions on $name", (target) => {
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

  it("submit stores the decision with what was shown, sets a human label, frees the lease and audits — in one go", async () => {
    const t = await setup(3);
    const x = await t.lease();
    const r = await t.ann.annotations.submit({
      projectId: t.pid,
      itemId: x.item.id,
      leaseToken: x.lease.token,
      idempotencyKey: key(),
      action: "correct",
      categoryId: t.categories[2]!.id,
      timeSpentMs: 1234,
    });
    expect(r).toMatchObject({
      itemId: x.item.id,
      action: "correct",
      categoryId: t.categories[2]!.id,
      label: { categoryId: t.categories[2]!.id, source: "human" },
    });
    const [a] = await h.db.select().from(annotations).where(eq(annotations.id, r.annotationId));
    expect(a).toMatchObject({
      userId: t.users[0]!.id,
      suggestedCategoryId: t.categories[0]!.id,
      modelVersionId: t.mv,
      reason: "uncertain",
      timeSpentMs: 1234,
      previousLabel: null,
    });
    expect(a!.suggestedConfidence).toBeCloseTo(x.prediction!.confidence);
    expect(await t.labelOf(x.item.id)).toMatchObject({
      source: "human",
      categoryId: t.categories[2]!.id,
      annotationId: r.annotationId,
      userId: t.users[0]!.id,
    });
    expect(await h.db.select().from(leases).where(eq(leases.itemId, x.item.id))).toHaveLength(0);
    const ev = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.projectId, t.pid), eq(auditEvents.action, "annotation.correct")));
    expect(ev).toHaveLength(1);
  });

  it("the same idempotency key twice (one after the other) stores one annotation and returns the same result", async () => {
    const t = await setup(2);
    const x = await t.lease();
    const input = {
      projectId: t.pid,
      itemId: x.item.id,
      leaseToken: x.lease.token,
      idempotencyKey: key(),
      action: "accept" as const,
      timeSpentMs: 5,
    };
    const first = await t.ann.annotations.submit(input);
    const second = await t.ann.annotations.submit(input);
    expect(second).toEqual(first);
    expect(await t.countAnn()).toBe(1);
  });

  it("the same idempotency key twice at once stores one annotation and returns the same result", async () => {
    const t = await setup(6);
    for (let round = 0; round < 3; round++) {
      const x = await t.lease();
      const input = {
        projectId: t.pid,
        itemId: x.item.id,
        leaseToken: x.lease.token,
        idempotencyKey: key(),
        action: "reject" as const,
        timeSpentMs: 5,
      };
      const results = await Promise.all([0, 1, 2, 3].map(() => t.ann.annotations.submit(input)));
      for (const r of results) expect(r).toEqual(results[0]);
      expect(await t.countAnn()).toBe(round + 1);
    }
  });

  it("a key reused for another item is a CONFLICT", async () => {
    const t = await setup(3);
    const two = (await t.ann.queue.next({ projectId: t.pid, n: 2 })).items;
    const x = two[0]!;
    const y = two[1]!;
    const k = key();
    await t.ann.annotations.submit({
      projectId: t.pid,
      itemId: x.item.id,
      leaseToken: x.lease.token,
      idempotencyKey: k,
      action: "accept",
      timeSpentMs: 1,
    });
    await expect(
      t.ann.annotations.submit({
        projectId: t.pid,
        itemId: y.item.id,
        leaseToken: y.lease.token,
        idempotencyKey: k,
        action: "accept",
        timeSpentMs: 1,
      }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("a soft-deleted category (chosen or suggested) is a typed error naming it; nothing stored, the lease kept", async () => {
    const t = await setup(2);
    const x = await t.lease();
    await h.db
      .update(categories)
      .set({ deletedAt: sql`now()` })
      .where(eq(categories.id, t.categories[2]!.id));
    const err = t.ann.annotations.submit({
      projectId: t.pid,
      itemId: x.item.id,
      leaseToken: x.lease.token,
      idempotencyKey: key(),
      action: "correct",
      categoryId: t.categories[2]!.id,
      timeSpentMs: 1,
    });
    await expect(err).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("Computers > Keyboards"),
    });
    await h.db
      .update(categories)
      .set({ deletedAt: sql`now()` })
      .where(eq(categories.id, t.categories[0]!.id));
    const snap = await snapshotDb(h);
    const acc = t.ann.annotations.submit({
      projectId: t.pid,
      itemId: x.item.id,
      leaseToken: x.lease.token,
      idempotencyKey: key(),
      action: "accept",
      timeSpentMs: 1,
    });
    await expect(acc).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("Audio > Headphones"),
    });
    expect(await snapshotDb(h)).toEqual(snap);
    expect(await t.countAnn()).toBe(0);
    // The draft can still be sent with a live category: the lease survived.
    await t.ann.annotations.submit({
      projectId: t.pid,
      itemId: x.item.id,
      leaseToken: x.lease.token,
      idempotencyKey: key(),
      action: "correct",
      categoryId: t.categories[1]!.id,
      timeSpentMs: 1,
    });
  });

  it("cross-project ids are NOT_FOUND and change nothing", async () => {
    const t = await setup(1);
    const other = await setup(1);
    const x = await other.lease(other.ann);
    const mine = await t.lease();
    const before = await snapshotDb(h);
    const asA = { projectId: t.pid, idempotencyKey: key(), timeSpentMs: 1 };
    await expect(
      t.ann.annotations.submit({ ...asA, itemId: x.item.id, leaseToken: x.lease.token, action: "accept" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      t.ann.annotations.submit({
        ...asA,
        itemId: mine.item.id,
        leaseToken: mine.lease.token,
        action: "correct",
        categoryId: other.categories[0]!.id,
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      t.reviewer.annotations.submitBatch({
        projectId: t.pid,
        idempotencyKey: key(),
        decisions: [{ itemId: x.item.id, action: "reject" }],
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      t.ann.annotations.submit({
        ...asA,
        itemId: mine.item.id,
        leaseToken: mine.lease.token,
        action: "accept",
        modelVersionId: other.mv,
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await snapshotDb(h)).toEqual(before);
  });
});
