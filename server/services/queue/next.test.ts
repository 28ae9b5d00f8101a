import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { annotations, auditEvents, categories, leases } from "@/db/schema";
import { createRng } from "@/ml/rng";
import { leaseNextItems } from "@/server/services/queue/next";
import { claimLeases } from "@/server/services/queue/claim";
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

describe.each(dbTargets())("review queue on $name", (target) => {
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

  it("audits: with probability auditRate a slot is an unaudited auto-accepted item, deterministic under a seed", async () => {
    const p = await modelProject(8, { auditRate: 0.5 });
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
