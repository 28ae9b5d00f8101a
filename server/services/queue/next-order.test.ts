import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditEvents } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import {
  activateModel,
  key,
  seedItems,
  seedPredictions,
  seedProject,
  setLabel,
  setSettings,
} from "@/test/queue-fixtures";

describe.each(dbTargets())("queue order on $name", (target) => {
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

  it("margin strategy hands out the smallest margins first, with why and what the model thinks", async () => {
    const p = await modelProject(12);
    const res = await p.callers[0]!.queue.next({ projectId: p.project.id, n: 4 });
    expect(res.status).toBe("ok");
    const got = res.items.map((x) => p.marginOf.get(x.item.id)!);
    const all = [...p.marginOf.values()].sort((a, b) => a - b);
    expect(got).toEqual(all.slice(0, 4));
    const first = res.items[0]!;
    expect(first.pick).toEqual({ reason: "uncertain", strategy: "margin", score: all[0] });
    expect(first.prediction!.modelVersionId).toBe(p.mv);
    expect(first.prediction!.top.map((t) => t.path)).toEqual(["Audio > Headphones", "Audio > Speakers"]);
    expect(first.lease.token).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.lease.expiresAt.getTime()).toBeGreaterThan(Date.now() + 9 * 60_000);
  });

  it("every claim is audited: lease.claim lists the items in picking order", async () => {
    const p = await modelProject(6);
    const res = await p.callers[0]!.queue.next({ projectId: p.project.id, n: 3 });
    const events = await h.db
      .select({
        actorId: auditEvents.actorId,
        entityType: auditEvents.entityType,
        before: auditEvents.before,
        after: auditEvents.after,
      })
      .from(auditEvents)
      .where(and(eq(auditEvents.projectId, p.project.id), eq(auditEvents.action, "lease.claim")));
    expect(events).toEqual([
      {
        actorId: p.users[0]!.id,
        entityType: "lease",
        before: null,
        after: { items: res.items.map((x) => ({ itemId: x.item.id, reason: "uncertain" })) },
      },
    ]);
    // A reload hands back the same leases and claims nothing new: no new event.
    await p.callers[0]!.queue.next({ projectId: p.project.id, n: 3 });
    const again = await h.db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(and(eq(auditEvents.projectId, p.project.id), eq(auditEvents.action, "lease.claim")));
    expect(again).toHaveLength(1);
  });

  it("least confidence and entropy orders", async () => {
    const p = await modelProject(10, { strategy: "least_confidence" });
    const lc = await p.callers[0]!.queue.next({ projectId: p.project.id, n: 3 });
    const conf = lc.items.map((x) => x.prediction!.confidence);
    expect(conf).toEqual([...conf].sort((a, b) => a - b));
    expect(conf[0]).toBe(Math.min(...[...p.marginOf.values()].map((m) => (1 + m) / 2)));
    await setSettings(h.db, p.project.id, { strategy: "entropy" });
    const en = await p.callers[1]!.queue.next({ projectId: p.project.id, n: 3 });
    const ent = en.items.map((x) => x.prediction!.entropy);
    expect(ent).toEqual([...ent].sort((a, b) => b - a));
    expect(en.items.every((x) => x.pick.reason === "uncertain")).toBe(true);
  });

  it("a reload gets the caller's own live leases back first, with the same tokens", async () => {
    const p = await modelProject(10);
    const first = await p.callers[0]!.queue.next({ projectId: p.project.id, n: 3 });
    const again = await p.callers[0]!.queue.next({ projectId: p.project.id, n: 5 });
    expect(again.items.slice(0, 3).map((x) => x.lease.token)).toEqual(first.items.map((x) => x.lease.token));
    expect(again.items).toHaveLength(5);
    expect(new Set(again.items.map((x) => x.item.id)).size).toBe(5);
  });

  it("never gives an item the caller skipped; others still get it", async () => {
    const p = await modelProject(5);
    const [a, b] = p.callers as [(typeof p.callers)[0], (typeof p.callers)[0]];
    const got = await a.queue.next({ projectId: p.project.id, n: 1 });
    const skipped = got.items[0]!;
    await a.annotations.submit({
      projectId: p.project.id,
      itemId: skipped.item.id,
      leaseToken: skipped.lease.token,
      idempotencyKey: key(),
      action: "skip",
      timeSpentMs: 10,
    });
    const rest = await a.queue.next({ projectId: p.project.id, n: 50 });
    expect(rest.items.map((x) => x.item.id)).not.toContain(skipped.item.id);
    expect(rest.items).toHaveLength(4);
    const other = await b.queue.next({ projectId: p.project.id, n: 50 });
    expect(other.items.map((x) => x.item.id)).toEqual([skipped.item.id]);
  });

  it("labelled (human, import) and gold items never come; auto-labelled only as audits", async () => {
    const p = await modelProject(6);
    const gold = await seedItems(h.db, p.project.id, ["Gold A", "Gold B"], "test");
    await seedPredictions(
      h.db,
      p.project.id,
      p.mv,
      gold.map((g) => ({ itemId: g.id, categoryId: p.categories[0]!.id, margin: 0 })),
    );
    const [human, imported] = p.items;
    await setLabel(h.db, {
      projectId: p.project.id,
      itemId: human!.id,
      categoryId: p.categories[0]!.id,
      source: "human",
    });
    await setLabel(h.db, {
      projectId: p.project.id,
      itemId: imported!.id,
      categoryId: p.categories[0]!.id,
      source: "import",
    });
    const res = await p.callers[0]!.queue.next({ projectId: p.project.id, n: 50 });
    const ids = res.items.map((x) => x.item.id);
    expect(ids).toHaveLength(4);
    for (const banned of [human!.id, imported!.id, ...gold.map((g) => g.id)]) expect(ids).not.toContain(banned);
  });
});
