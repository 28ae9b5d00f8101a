import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { annotations, leases } from "@/db/schema";
import { createRng } from "@/ml/rng";
import { leaseNextItems } from "@/server/services/queue/next";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import {
  activateModel,
  expireLease,
  key,
  seedItems,
  seedPredictions,
  seedProject,
  setLabel,
  setSettings,
} from "@/test/queue-fixtures";

describe.each(dbTargets())("queue audits, status and leases on $name", (target) => {
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

  it("audits: with probability auditRate a slot is an unaudited auto-accepted item of the audit sample (all of them at rate 1), deterministic under a seed", async () => {
    // Revealed, so the audit reason and the auto label are sent (blind-audits.test.ts: the default).
    const p = await modelProject(8, { auditRate: 1, revealAuditSource: true });
    const autos = p.items.slice(0, 3);
    // Auto-labelled as Speakers by an earlier model; the active one would say Headphones.
    for (const it of autos)
      await setLabel(h.db, { projectId: p.project.id, itemId: it.id, categoryId: p.categories[1]!.id, source: "auto" });
    const userId = p.users[0]!.id;
    const res = await leaseNextItems(h.db, { projectId: p.project.id, actorId: userId, n: 6, rng: () => 0.1 });
    const audits = res.items.filter((x) => x.pick.reason === "audit");
    expect(audits.map((x) => x.item.id).sort()).toEqual(autos.map((x) => x.id).sort());
    expect(audits[0]!.currentLabel).toMatchObject({ source: "auto", path: "Audio > Speakers" });
    // Deciding an audit makes it human: it is never audited again.
    const a0 = audits[0]!;
    await p.callers[0]!.annotations.submit({
      projectId: p.project.id,
      itemId: a0.item.id,
      leaseToken: a0.lease.token,
      idempotencyKey: key(),
      action: "accept",
      timeSpentMs: 5,
    });
    const [stored] = await h.db
      .select({
        reason: annotations.reason,
        categoryId: annotations.categoryId,
        suggested: annotations.suggestedCategoryId,
      })
      .from(annotations)
      .where(eq(annotations.itemId, a0.item.id));
    // Accepting an audit confirms the auto label that was shown.
    expect(stored).toEqual({ reason: "audit", categoryId: p.categories[1]!.id, suggested: p.categories[1]!.id });
    await h.db.delete(leases).where(eq(leases.projectId, p.project.id));
    const again = await leaseNextItems(h.db, {
      projectId: p.project.id,
      actorId: p.users[1]!.id,
      n: 8,
      rng: () => 0.1,
    });
    expect(again.items.filter((x) => x.pick.reason === "audit").map((x) => x.item.id)).not.toContain(a0.item.id);
    // Same seed, same picks.
    const seeded = async () => {
      await h.db.delete(leases).where(eq(leases.projectId, p.project.id));
      return (
        await leaseNextItems(h.db, { projectId: p.project.id, actorId: userId, n: 4, rng: createRng(7) })
      ).items.map((x) => [x.item.id, x.pick.reason]);
    };
    expect(await seeded()).toEqual(await seeded());
    // auditRate 0: never an audit.
    await setSettings(h.db, p.project.id, { auditRate: 0 });
    await h.db.delete(leases).where(eq(leases.projectId, p.project.id));
    const none = await leaseNextItems(h.db, { projectId: p.project.id, actorId: userId, n: 8, rng: () => 0 });
    expect(none.items.some((x) => x.pick.reason === "audit")).toBe(false);
  });

  it("says all_leased (with count and earliest expiry) while others hold the rest, done when nothing is left", async () => {
    const p = await modelProject(3);
    const [a, b] = p.callers as [(typeof p.callers)[0], (typeof p.callers)[0]];
    const held = await a.queue.next({ projectId: p.project.id, n: 3 });
    const wait = await b.queue.next({ projectId: p.project.id, n: 2 });
    expect(wait).toMatchObject({ status: "all_leased", leasedByOthers: 3, items: [] });
    expect(wait.earliestExpiry!.getTime()).toBe(Math.min(...held.items.map((x) => x.lease.expiresAt.getTime())));
    for (const x of held.items) {
      await a.annotations.submit({
        projectId: p.project.id,
        itemId: x.item.id,
        leaseToken: x.lease.token,
        idempotencyKey: key(),
        action: "accept",
        timeSpentMs: 1,
      });
    }
    expect(await b.queue.next({ projectId: p.project.id, n: 2 })).toMatchObject({
      status: "done",
      leasedByOthers: 0,
      items: [],
    });
    const stats = await b.queue.stats({ projectId: p.project.id });
    expect(stats).toMatchObject({ remaining: 0, leasedByOthers: 0, mine: 0, doneToday: 3, doneTodayByMe: 0 });
  });

  it("an expired lease comes back; the old token then gets CONFLICT and stores nothing", async () => {
    const p = await modelProject(1);
    const [a, b] = p.callers as [(typeof p.callers)[0], (typeof p.callers)[0]];
    const mine = (await a.queue.next({ projectId: p.project.id, n: 1 })).items[0]!;
    expect((await b.queue.next({ projectId: p.project.id, n: 1 })).status).toBe("all_leased");
    await expireLease(h.db, mine.item.id);
    const theirs = (await b.queue.next({ projectId: p.project.id, n: 1 })).items[0]!;
    expect(theirs.item.id).toBe(mine.item.id);
    expect(theirs.lease.token).not.toBe(mine.lease.token);
    const late = a.annotations.submit({
      projectId: p.project.id,
      itemId: mine.item.id,
      leaseToken: mine.lease.token,
      idempotencyKey: key(),
      action: "accept",
      timeSpentMs: 1,
    });
    await expect(late).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await h.db.select().from(annotations).where(eq(annotations.itemId, mine.item.id))).toHaveLength(0);
    await b.annotations.submit({
      projectId: p.project.id,
      itemId: theirs.item.id,
      leaseToken: theirs.lease.token,
      idempotencyKey: key(),
      action: "reject",
      timeSpentMs: 1,
    });
    expect(await h.db.select().from(annotations).where(eq(annotations.itemId, mine.item.id))).toHaveLength(1);
  });

  it("an expired lease nobody re-took is still honoured", async () => {
    const p = await modelProject(2);
    const x = (await p.callers[0]!.queue.next({ projectId: p.project.id, n: 1 })).items[0]!;
    await expireLease(h.db, x.item.id);
    const r = await p.callers[0]!.annotations.submit({
      projectId: p.project.id,
      itemId: x.item.id,
      leaseToken: x.lease.token,
      idempotencyKey: key(),
      action: "accept",
      timeSpentMs: 1,
    });
    expect(r.label).toEqual({ categoryId: p.categories[0]!.id, source: "human" });
  });

  it("a wrong token (or someone else's) is CONFLICT", async () => {
    const p = await modelProject(2);
    const x = (await p.callers[0]!.queue.next({ projectId: p.project.id, n: 1 })).items[0]!;
    const base = {
      projectId: p.project.id,
      itemId: x.item.id,
      idempotencyKey: key(),
      action: "accept" as const,
      timeSpentMs: 1,
    };
    await expect(p.callers[0]!.annotations.submit({ ...base, leaseToken: key() })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    await expect(p.callers[1]!.annotations.submit({ ...base, leaseToken: x.lease.token })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect(await h.db.select().from(annotations).where(eq(annotations.projectId, p.project.id))).toHaveLength(0);
  });

  it("without n, next hands out the project's batch size", async () => {
    const p = await modelProject(10, { batchSize: 7 });
    expect((await p.callers[0]!.queue.next({ projectId: p.project.id })).items).toHaveLength(7);
  });

  it("release gives leases back, extend keeps them, stats count", async () => {
    const p = await modelProject(6);
    const [a, b] = p.callers as [(typeof p.callers)[0], (typeof p.callers)[0]];
    const got = await a.queue.next({ projectId: p.project.id, n: 4 });
    expect(await b.queue.stats({ projectId: p.project.id })).toMatchObject({
      remaining: 2,
      leasedByOthers: 4,
      mine: 0,
    });
    const tokens = got.items.map((x) => x.lease.token);
    await h.db
      .update(leases)
      .set({ expiresAt: sql`now() + interval '1 minute'` })
      .where(eq(leases.projectId, p.project.id));
    const ext = await a.queue.extend({ projectId: p.project.id, leaseTokens: [tokens[0]!, key()] });
    expect(ext.extended).toHaveLength(1);
    expect(ext.lost).toHaveLength(1);
    expect(ext.extended[0]!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 9 * 60_000);
    // Someone else's tokens are ignored.
    expect((await b.queue.release({ projectId: p.project.id, leaseTokens: tokens })).released).toEqual([]);
    const rel = await a.queue.release({ projectId: p.project.id, leaseTokens: tokens.slice(0, 2) });
    expect(rel.released.sort()).toEqual(
      got.items
        .slice(0, 2)
        .map((x) => x.item.id)
        .sort(),
    );
    expect(await a.queue.stats({ projectId: p.project.id })).toMatchObject({
      remaining: 4,
      leasedByOthers: 0,
      mine: 2,
    });
    const mineLeft = await h.db
      .select()
      .from(leases)
      .where(and(eq(leases.projectId, p.project.id)));
    expect(mineLeft).toHaveLength(2);
  });
});
