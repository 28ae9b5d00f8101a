/**
 * Gold from the loop: evaluation picks reach people blind, their decisions
 * become gold (with two agreeing people when the project asks for second
 * opinions), gold is never trained on, and annotators cannot read it back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSnapshot } from "@/server/services/training";
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
import { getEvaluationStatus } from "./status";

describe.each(dbTargets())("gold from evaluation picks on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  async function project(settings: Record<string, unknown>) {
    const s = await seedProject(h.db, { roles: ["annotator", "annotator", "reviewer"] });
    const pid = s.project.id;
    await setSettings(h.db, pid, { evaluationRate: 1, ...settings });
    const its = await seedItems(
      h.db,
      pid,
      Array.from({ length: 30 }, (_, i) => `Thing ${i}`),
    );
    const mv = await activateModel(
      h.db,
      pid,
      s.categories.map((c) => c.id),
    );
    await seedPredictions(
      h.db,
      pid,
      mv,
      its.map((it, i) => ({
        itemId: it.id,
        categoryId: s.categories[0]!.id,
        second: s.categories[1]!.id,
        margin: i / 31,
      })),
    );
    const [ann, ann2, reviewer] = s.callers as [(typeof s.callers)[0], (typeof s.callers)[0], (typeof s.callers)[0]];
    const [catA, catB] = [s.categories[0]!.id, s.categories[1]!.id];
    const decide = async (caller: typeof ann, n: number, categoryId: number) => {
      const got = await caller.queue.next({ projectId: pid, n });
      for (const t of got.items)
        await caller.annotations.submit({
          projectId: pid,
          itemId: t.item.id,
          leaseToken: t.lease.token,
          idempotencyKey: key(),
          action: "correct",
          categoryId,
          timeSpentMs: 1000,
        });
      return got.items;
    };
    return { ...s, pid, its, ann, ann2, reviewer, catA, catB, decide };
  }

  it("serves uniform evaluation picks blind; their decisions are gold, never training data", async () => {
    const p = await project({});
    const got = await p.ann.queue.next({ projectId: p.pid, n: 4 });
    expect(got.items.map((t) => t.pick.reason)).toEqual(["evaluation", "evaluation", "evaluation", "evaluation"]);
    // The suggestion is not sent at all, nor the current label.
    expect(got.items.every((t) => t.prediction === null && t.currentLabel === null)).toBe(true);
    await p.ann.queue.release({ projectId: p.pid, leaseTokens: got.items.map((t) => t.lease.token) });
    const decided = await p.decide(p.ann, 3, p.catB);
    // A label that did not come from an evaluation pick is training data.
    const other = p.its.find((it) => !decided.some((d) => d.item.id === it.id))!;
    await setLabel(h.db, { projectId: p.pid, itemId: other.id, categoryId: p.catA, source: "import" });
    const snap = await readSnapshot(h.db, p.pid);
    const ids = decided.map((d) => d.item.id).sort((a, b) => a - b);
    expect(snap.gold.map((g) => g.itemId).sort((a, b) => a - b)).toEqual(ids);
    expect(snap.pool.map((r) => r.itemId)).toEqual([other.id]);
    const status = await getEvaluationStatus(h.db, { projectId: p.pid });
    expect(status.gold).toMatchObject({ imported: 0, fromEvaluation: 3, total: 3 });
    expect(status.needed.firstLook).toBe(532);
  });

  it("an annotator cannot read a gold label back; a reviewer can", async () => {
    const p = await project({});
    const [d] = await p.decide(p.ann, 1, p.catB);
    const other = await p.ann2.items.get({ projectId: p.pid, itemId: d!.item.id });
    expect(other.label).toBeNull();
    expect(other.history).toEqual([]);
    const listed = await p.ann2.items.list({ projectId: p.pid, limit: 100 });
    expect(listed.items.find((i) => i.id === d!.item.id)?.label).toBeNull();
    // Filtering by the label must not reveal it either.
    const byCategory = await p.ann2.items.list({ projectId: p.pid, categoryId: p.catB, limit: 100 });
    expect(byCategory.items.map((i) => i.id)).not.toContain(d!.item.id);
    const seen = await p.reviewer.items.get({ projectId: p.pid, itemId: d!.item.id });
    expect(seen.label?.categoryId).toBe(p.catB);
  });

  it("with second opinions, gold needs two agreeing people or a reviewer settling the disagreement", async () => {
    const p = await project({ overlapRate: 0.5 });
    const first = await p.decide(p.ann, 2, p.catB);
    expect((await getEvaluationStatus(h.db, { projectId: p.pid })).gold).toMatchObject({
      fromEvaluation: 0,
      awaitingAgreement: 2,
    });
    expect((await readSnapshot(h.db, p.pid)).pool).toEqual([]);
    // The second annotator's evaluation slots go to the items waiting for a second opinion, blind.
    const seconds = await p.ann2.queue.next({ projectId: p.pid, n: 2 });
    expect(seconds.items.map((t) => t.pick.reason)).toEqual(["overlap", "overlap"]);
    expect(seconds.items.map((t) => t.item.id).sort()).toEqual(first.map((t) => t.item.id).sort());
    const [agree, disagree] = seconds.items as [(typeof seconds.items)[0], (typeof seconds.items)[0]];
    for (const [t, categoryId] of [
      [agree, p.catB],
      [disagree, p.catA],
    ] as const)
      await p.ann2.annotations.submit({
        projectId: p.pid,
        itemId: t.item.id,
        leaseToken: t.lease.token,
        idempotencyKey: key(),
        action: "correct",
        categoryId,
        timeSpentMs: 1000,
      });
    let snap = await readSnapshot(h.db, p.pid);
    expect(snap.gold.map((g) => g.itemId)).toEqual([agree.item.id]);
    // A reviewer settles the dispute in the batch grid: the item becomes gold with the reviewer's category.
    await p.reviewer.annotations.submitBatch({
      projectId: p.pid,
      idempotencyKey: key(),
      decisions: [{ itemId: disagree.item.id, action: "correct", categoryId: p.catA }],
    });
    snap = await readSnapshot(h.db, p.pid);
    expect(snap.gold.map((g) => [g.itemId, g.categoryId]).sort()).toEqual(
      [
        [agree.item.id, p.catB],
        [disagree.item.id, p.catA],
      ].sort(),
    );
    expect(snap.pool).toEqual([]);
  });

  it("an undone evaluation decision is no longer gold, and the item is picked again", async () => {
    const p = await project({});
    const [d] = await p.decide(p.ann, 1, p.catB);
    const undone = await p.ann.annotations.undo({ projectId: p.pid, idempotencyKey: key() });
    expect(undone.itemId).toBe(d!.item.id);
    expect((await readSnapshot(h.db, p.pid)).gold).toEqual([]);
    expect((await getEvaluationStatus(h.db, { projectId: p.pid })).gold.fromEvaluation).toBe(0);
  });

  it("says why nothing can be learnt from a taxonomy of one category", async () => {
    const s = await seedProject(h.db, { categories: ["Only > One"] });
    const status = await getEvaluationStatus(h.db, { projectId: s.project.id });
    expect(status.blocking?.code).toBe("taxonomy");
    expect(status.blocking?.message).toMatch(/1 category: a model needs at least two/);
  });
});
