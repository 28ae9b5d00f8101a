/**
 * Second opinions (overlap picks): with `overlapRate`, queue slots go to items
 * a colleague already decided. They are blind (no label, no history shown),
 * never the caller's own items, one per item; the decision is recorded but the
 * label stays the first person's; undo works; the dashboard measures agreement.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { labels, leases } from "@/db/schema";
import { claimLeases, keepClaims } from "@/server/services/queue/claim";
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

  it("a second opinion on an item whose first decision was undone meanwhile becomes its label", async () => {
    const p = await project();
    const [A, B] = p.callers as [(typeof p.callers)[0], (typeof p.callers)[0]];
    const pid = p.project.id;
    const [first] = (await A.queue.next({ projectId: pid, n: 1 })).items;
    await A.annotations.submit({
      projectId: pid,
      itemId: first!.item.id,
      leaseToken: first!.lease.token,
      idempotencyKey: key(),
      action: "correct",
      categoryId: p.c1,
      timeSpentMs: 500,
    });
    await setSettings(h.db, pid, { overlapRate: 1 });
    const [second] = (await B.queue.next({ projectId: pid, n: 1 })).items;
    expect([second!.item.id, second!.pick.reason]).toEqual([first!.item.id, "overlap"]);
    // A takes the decision back while B is deciding: the item has no label now, and B keeps the lease.
    const undone = await A.annotations.undo({ projectId: pid, idempotencyKey: key() });
    expect(undone).toMatchObject({ restoredLabel: null, lease: null });
    const r = await B.annotations.submit({
      projectId: pid,
      itemId: second!.item.id,
      leaseToken: second!.lease.token,
      idempotencyKey: key(),
      action: "correct",
      categoryId: p.c2,
      timeSpentMs: 500,
    });
    expect(r).toMatchObject({ reason: "overlap", label: { categoryId: p.c2, source: "human" } });
    expect(await labelOf(second!.item.id)).toMatchObject({
      categoryId: p.c2,
      source: "human",
      userId: p.users[1]!.id,
      annotationId: r.annotationId,
    });
    // Not a pair: there was no first label to agree with.
    expect((await p.callers[3]!.dashboard.activity({ projectId: pid })).peerAgreement.pairs).toBe(0);
    // Undoing it takes the label away again, as for any first decision.
    const u = await B.annotations.undo({ projectId: pid, idempotencyKey: key() });
    expect(u.restoredLabel).toBeNull();
    expect(await labelOf(second!.item.id)).toBeUndefined();
  });

  it("gives back a second-opinion claim that lost a race: already seconded, or no colleague's label", async () => {
    const p = await project();
    const [A, B] = p.callers as [(typeof p.callers)[0], (typeof p.callers)[0]];
    const pid = p.project.id;
    const decided = await A.queue.next({ projectId: pid, n: 2 });
    for (const it of decided.items)
      await A.annotations.submit({
        projectId: pid,
        itemId: it.item.id,
        leaseToken: it.lease.token,
        idempotencyKey: key(),
        action: "accept",
        timeSpentMs: 500,
      });
    const [seconded, fresh] = decided.items.map((x) => x.item.id) as [number, number];
    await setSettings(h.db, pid, { overlapRate: 1 });
    const b = await B.queue.next({ projectId: pid, n: 1 });
    const bItem = b.items[0]!;
    await B.annotations.submit({
      projectId: pid,
      itemId: bItem.item.id,
      leaseToken: bItem.lease.token,
      idempotencyKey: key(),
      action: "accept",
      timeSpentMs: 500,
    });
    const stillOpen = bItem.item.id === seconded ? fresh : seconded;
    const unlabelled = p.items.find((it) => !decided.items.some((d) => d.item.id === it.id))!.id;

    // C's candidate read predates B's decision: the claim goes through, keepClaims gives it back.
    const cId = p.users[2]!.id;
    const claimed = await claimLeases(h.db, {
      projectId: pid,
      userId: cId,
      leaseMinutes: 10,
      picks: [bItem.item.id, unlabelled, stillOpen].map((itemId) => ({
        itemId,
        reason: "overlap" as const,
        score: null,
      })),
    });
    expect(claimed).toHaveLength(3);
    const kept = await keepClaims(h.db, pid, cId, claimed);
    expect(kept.map((k) => k.itemId)).toEqual([stillOpen]);
    const left = await h.db
      .select({ itemId: leases.itemId })
      .from(leases)
      .where(and(eq(leases.projectId, pid), eq(leases.userId, cId)));
    expect(left.map((l) => l.itemId)).toEqual([stillOpen]);
  });
});
