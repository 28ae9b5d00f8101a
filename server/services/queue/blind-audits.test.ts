/**
 * What queue.next sends: a blind audit (the default) looks like a random pick
 * with the auto label as the first suggestion, the version shown by its number,
 * the strategy's score taken from the prediction on screen, and items the
 * caller already loaded counted but not sent again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { annotations, modelVersions } from "@/db/schema";
import { leaseNextItems } from "@/server/services/queue/next";
import { getQueueStats } from "@/server/services/queue/status";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { activateModel, key, seedItems, seedPredictions, seedProject, setLabel } from "@/test/queue-fixtures";

describe.each(dbTargets())("queue handoff for the first hour on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  async function project(settings = {}) {
    const s = await seedProject(h.db, { settings });
    const its = await seedItems(
      h.db,
      s.project.id,
      Array.from({ length: 6 }, (_, i) => `Gadget ${i}`),
    );
    const ids = s.categories.map((c) => c.id);
    await activateModel(h.db, s.project.id, ids);
    const mv = await activateModel(h.db, s.project.id, ids);
    await seedPredictions(
      h.db,
      s.project.id,
      mv,
      its.map((it, i) => ({ itemId: it.id, categoryId: ids[0]!, second: ids[1]!, margin: 0.1 + i / 10 })),
    );
    return { ...s, items: its, mv };
  }

  it("sends an audit blind: a random pick, no label or history, the auto label first; accept confirms it", async () => {
    const p = await project({ auditRate: 1 });
    const audited = p.items[5]!;
    // Auto-labelled as the runner-up: the active model now prefers the first category.
    await setLabel(h.db, {
      projectId: p.project.id,
      itemId: audited.id,
      categoryId: p.categories[1]!.id,
      source: "auto",
    });
    const res = await leaseNextItems(h.db, { projectId: p.project.id, actorId: p.users[0]!.id, n: 2, rng: () => 0.1 });
    const shown = res.items.find((x) => x.item.id === audited.id);
    expect(shown).toBeDefined();
    expect(res.items.map((x) => x.pick.reason)).not.toContain("audit");
    expect(shown!.pick.reason).toBe("random");
    expect(shown!.currentLabel).toBeNull();
    expect(shown!.history).toEqual([]);
    expect(shown!.prediction!.top[0]!.categoryId).toBe(p.categories[1]!.id);
    await p.callers[0]!.annotations.submit({
      projectId: p.project.id,
      itemId: audited.id,
      leaseToken: shown!.lease.token,
      idempotencyKey: key(),
      action: "accept",
      timeSpentMs: 5,
    });
    const [stored] = await h.db
      .select({ reason: annotations.reason, categoryId: annotations.categoryId })
      .from(annotations)
      .where(eq(annotations.itemId, audited.id));
    expect(stored).toEqual({ reason: "audit", categoryId: p.categories[1]!.id });
  });

  it("names the version by its number, scores by the current strategy, and does not resend known items", async () => {
    const p = await project();
    const [row] = await h.db
      .select({ id: modelVersions.id, version: modelVersions.version })
      .from(modelVersions)
      .where(eq(modelVersions.id, p.mv));
    const actorId = p.users[0]!.id;
    const first = await leaseNextItems(h.db, { projectId: p.project.id, actorId, n: 2 });
    expect(first.items.map((x) => x.prediction?.modelVersion)).toEqual([row!.version, row!.version]);
    expect(first.items[0]!.pick).toMatchObject({ reason: "uncertain", strategy: "margin" });
    expect(first.items[0]!.pick.score).toBeCloseTo(first.items[0]!.prediction!.margin, 9);
    const known = first.items.map((x) => x.item.id);
    const more = await leaseNextItems(h.db, { projectId: p.project.id, actorId, n: 4, known });
    expect(more.status).toBe("ok");
    expect(more.items).toHaveLength(2);
    expect(more.items.some((x) => known.includes(x.item.id))).toBe(false);
    // Everything held and known: still "ok" with nothing to send, not "all leased by others".
    const all = [...known, ...more.items.map((x) => x.item.id)];
    const none = await leaseNextItems(h.db, { projectId: p.project.id, actorId, n: 4, known: all });
    expect(none).toMatchObject({ status: "ok", items: [] });
  });

  it("counts only unlabelled items as left to review", async () => {
    const p = await project();
    await setLabel(h.db, {
      projectId: p.project.id,
      itemId: p.items[0]!.id,
      categoryId: p.categories[0]!.id,
      source: "auto",
    });
    await setLabel(h.db, {
      projectId: p.project.id,
      itemId: p.items[1]!.id,
      categoryId: p.categories[0]!.id,
      source: "human",
    });
    const stats = await getQueueStats(h.db, { projectId: p.project.id, actorId: p.users[0]!.id, tzOffsetMinutes: 0 });
    expect(stats.remaining).toBe(4);
  });
});
