/**
 * Second opinions (overlap picks): with `overlapRate`, queue slots go to items
 * a colleague already decided. They are blind (no label, no history shown),
 * never the caller's own items, one per item; the decision is recorded but the
 * label stays the first person's; undo works; the dashboard measures agreement.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { annotations, labels, leases } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { activateModel, key, seedItems, seedPredictions, seedProject, setSettings } from "@/test/queue-fixtures";

describe.each(dbTargets())("second opinions on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  async function project() {
    const s = await seedProject(h.db, { roles: ["annotator", "annotator", "annotator", "manager"] });
    const its = await seedItems(
      h.db,
      s.project.id,
      Array.from({ length: 12 }, (_, i) => `Gadget ${i}`),
    );
    const mv = await activateModel(
      h.db,
      s.project.id,
      s.categories.map((c) => c.id),
    );
    const [c0, c1, c2] = s.categories.map((c) => c.id) as [number, number, number];
    await seedPredictions(
      h.db,
      s.project.id,
      mv,
      its.map((it, i) => ({ itemId: it.id, categoryId: c0, second: c1, margin: (i + 1) / 20 })),
    );
    return { ...s, items: its, mv, c0, c1, c2 };
  }

  const labelOf = async (itemId: number) =>
    (
      await h.db
        .select({
          categoryId: labels.categoryId,
          source: labels.source,
          userId: labels.userId,
          annotationId: labels.annotationId,
        })
        .from(labels)
        .where(eq(labels.itemId, itemId))
    )[0];

  it("serves blind second opinions on colleagues' items only, keeps the first label, and measures agreement", async () => {
    const p = await project();
    const [A, B, C] = p.callers as [(typeof p.callers)[0], (typeof p.callers)[0], (typeof p.callers)[0]];
    const pid = p.project.id;

    // A decides three items with the rate at 0: plain uncertainty picks.
    const first = await A.queue.next({ projectId: pid, n: 3 });
    expect(first.items.map((x) => x.pick.reason)).toEqual(["uncertain", "uncertain", "uncertain"]);
    const aLabel = new Map<number, number>();
    for (const [i, it] of first.items.entries()) {
      const categoryId = [p.c1, p.c0, p.c2][i]!;
      await A.annotations.submit({
        projectId: pid,
        itemId: it.item.id,
        leaseToken: it.lease.token,
        idempotencyKey: key(),
        action: categoryId === p.c0 ? "accept" : "correct",
        categoryId: categoryId === p.c0 ? undefined : categoryId,
        timeSpentMs: 1000,
      });
      aLabel.set(it.item.id, categoryId);
    }

    await setSettings(h.db, pid, { overlapRate: 1 });
    // A is never asked for a second opinion on A's own items: every slot falls back to the strategy.
    const own = await A.queue.next({ projectId: pid, n: 2 });
    expect(own.items.map((x) => x.pick.reason)).toEqual(["uncertain", "uncertain"]);
    await h.db.delete(leases).where(eq(leases.projectId, pid));

    // B gets two of A's items, blind.
    const b = await B.queue.next({ projectId: pid, n: 2 });
    expect(b.items.map((x) => x.pick.reason)).toEqual(["overlap", "overlap"]);
    for (const it of b.items) {
      expect(aLabel.has(it.item.id)).toBe(true);
      expect(it.currentLabel).toBeNull();
      expect(it.history).toEqual([]);
      expect(it.prediction?.modelVersionId).toBe(p.mv);
    }
    // B agrees on the first, disagrees on the second.
    const [agreeOn, disagreeOn] = b.items as [(typeof b.items)[0], (typeof b.items)[0]];
    const other = [p.c0, p.c1, p.c2].find((c) => c !== aLabel.get(disagreeOn.item.id))!;
    const before = await labelOf(agreeOn.item.id);
    const r1 = await B.annotations.submit({
      projectId: pid,
      itemId: agreeOn.item.id,
      leaseToken: agreeOn.lease.token,
      idempotencyKey: key(),
      action: "correct",
      categoryId: aLabel.get(agreeOn.item.id)!,
      timeSpentMs: 900,
    });
    expect(r1).toMatchObject({
      reason: "overlap",
      label: { categoryId: aLabel.get(agreeOn.item.id), source: "human" },
    });
    const r2 = await B.annotations.submit({
      projectId: pid,
      itemId: disagreeOn.item.id,
      leaseToken: disagreeOn.lease.token,
      idempotencyKey: key(),
      action: "correct",
      categoryId: other,
      timeSpentMs: 900,
    });
    // The label is still A's: category, author and annotation.
    expect(r2.label).toEqual({ categoryId: aLabel.get(disagreeOn.item.id), source: "human" });
    expect(await labelOf(agreeOn.item.id)).toEqual(before);
    expect(await labelOf(disagreeOn.item.id)).toMatchObject({
      categoryId: aLabel.get(disagreeOn.item.id),
      userId: p.users[0]!.id,
    });
    const bRows = await h.db
      .select({
        reason: annotations.reason,
        categoryId: annotations.categoryId,
        previousLabel: annotations.previousLabel,
      })
      .from(annotations)
      .where(and(eq(annotations.projectId, pid), eq(annotations.userId, p.users[1]!.id)))
      .orderBy(asc(annotations.id));
    expect(bRows.map((r) => [r.reason, r.categoryId, r.previousLabel?.categoryId, r.previousLabel?.userId])).toEqual([
      ["overlap", aLabel.get(agreeOn.item.id), aLabel.get(agreeOn.item.id), p.users[0]!.id],
      ["overlap", other, aLabel.get(disagreeOn.item.id), p.users[0]!.id],
    ]);

    // Undo of a second opinion: allowed, the label untouched, the item leased back to B as a second opinion.
    const u = await B.annotations.undo({ projectId: pid, idempotencyKey: key() });
    expect(u.undoneAnnotationId).toBe(r2.annotationId);
    expect(u.restoredLabel).toEqual({ categoryId: aLabel.get(disagreeOn.item.id), source: "human" });
    expect(await labelOf(disagreeOn.item.id)).toMatchObject({
      categoryId: aLabel.get(disagreeOn.item.id),
      userId: p.users[0]!.id,
    });
    const again = await B.queue.next({ projectId: pid, n: 1 });
    expect(again.items.map((x) => [x.item.id, x.pick.reason])).toEqual([[disagreeOn.item.id, "overlap"]]);
    await B.annotations.submit({
      projectId: pid,
      itemId: disagreeOn.item.id,
      leaseToken: again.items[0]!.lease.token,
      idempotencyKey: key(),
      action: "correct",
      categoryId: other,
      timeSpentMs: 800,
    });

    // One second opinion per item: C gets the third of A's items only, then the strategy.
    const c = await C.queue.next({ projectId: pid, n: 3 });
    const third = [...aLabel.keys()].find((id) => id !== agreeOn.item.id && id !== disagreeOn.item.id)!;
    expect(c.items.filter((x) => x.pick.reason === "overlap").map((x) => x.item.id)).toEqual([third]);
    expect(c.items.filter((x) => x.pick.reason !== "overlap").every((x) => !aLabel.has(x.item.id))).toBe(true);
    const ci = c.items.find((x) => x.item.id === third)!;
    await C.annotations.submit({
      projectId: pid,
      itemId: third,
      leaseToken: ci.lease.token,
      idempotencyKey: key(),
      action: "correct",
      categoryId: aLabel.get(third)!,
      timeSpentMs: 700,
    });

    // The manager's figure: 3 pairs, 2 agreeing (the undone decision does not count).
    const activity = await p.callers[3]!.dashboard.activity({ projectId: pid });
    expect(activity.peerAgreement).toMatchObject({ pairs: 3, agreed: 2 });
    expect(activity.peerAgreement.rate).toBeCloseTo(2 / 3, 10);
    // Per person, either side of a pair: A gave the three first labels, B two second opinions, C one.
    const person = (i: number) => activity.annotators.find((a) => a.userId === p.users[i]!.id)!;
    expect([0, 1, 2].map((i) => [person(i).peerPairs, person(i).peerAgreement])).toEqual([
      [3, 2 / 3],
      [2, 1 / 2],
      [1, 1],
    ]);
  });
});
