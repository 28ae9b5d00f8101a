/**
 * Suspects reach people and people settle them: the queue serves a suspect pick
 * with the flagged label and the suggestion, a decision on it keeps or confirms
 * it, an undo reopens it, and the batch grid filters them and settles them in bulk.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { labels, labelSuspects } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { activateModel, key, seedItems, seedPredictions, seedProject, setLabel } from "@/test/queue-fixtures";

describe.each(dbTargets())("deciding suspected labels on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  /** Six items labelled as imported with category 0; the detector flagged items 0–3, suggesting category 1. */
  async function seed(settings: { suspectRate: number }) {
    const s = await seedProject(h.db, { roles: ["annotator", "reviewer"], settings });
    const [c0, c1] = s.categories.map((c) => c.id) as [number, number];
    const pool = await seedItems(h.db, s.project.id, ["a one", "b two", "c three", "d four", "e five", "f six"]);
    const versionId = await activateModel(h.db, s.project.id, [c0, c1]);
    await seedPredictions(
      h.db,
      s.project.id,
      versionId,
      pool.map((p, i) => ({ itemId: p.id, categoryId: i < 4 ? c1 : c0, second: i < 4 ? c0 : c1, margin: 0.5 })),
    );
    for (const p of pool)
      await setLabel(h.db, { projectId: s.project.id, itemId: p.id, categoryId: c0, source: "import" });
    await h.db.insert(labelSuspects).values(
      pool.slice(0, 4).map((p, i) => ({
        projectId: s.project.id,
        itemId: p.id,
        modelVersionId: versionId,
        givenCategoryId: c0,
        suggestedCategoryId: c1,
        score: 0.9 - i * 0.1,
        givenProbability: 0.1,
        suggestedProbability: 0.8,
      })),
    );
    return { ...s, c0, c1, pool, versionId };
  }
  const statusOf = async (itemId: number) =>
    (await h.db.select({ status: labelSuspects.status }).from(labelSuspects).where(eq(labelSuspects.itemId, itemId)))[0]
      ?.status;

  it("a suspect pick shows the flagged label and the suggestion; keeping it, undoing and correcting it", async () => {
    const s = await seed({ suspectRate: 1 });
    const [annotator] = s.callers;
    const got = await annotator!.queue.next({ projectId: s.project.id, n: 2 });
    expect(got.items.map((t) => t.pick.reason)).toEqual(["suspect", "suspect"]);
    const [first, second] = got.items;
    // Highest score first.
    expect(first!.item.id).toBe(s.pool[0]!.id);
    expect(first!.suspect).toMatchObject({ givenCategoryId: s.c0, suggestedCategoryId: s.c1 });

    const submit = (t: typeof first, categoryId: number) =>
      annotator!.annotations.submit({
        projectId: s.project.id,
        itemId: t!.item.id,
        leaseToken: t!.lease.token,
        idempotencyKey: key(),
        action: "correct",
        categoryId,
        timeSpentMs: 800,
      });
    const kept = await submit(first, s.c0);
    expect(await statusOf(first!.item.id)).toBe("kept");
    await annotator!.annotations.undo({
      projectId: s.project.id,
      idempotencyKey: key(),
      annotationId: kept.annotationId,
    });
    expect(await statusOf(first!.item.id)).toBe("open");

    await submit(second, s.c1);
    expect(await statusOf(second!.item.id)).toBe("confirmed");
    const [label] = await h.db
      .select({ categoryId: labels.categoryId, source: labels.source })
      .from(labels)
      .where(eq(labels.itemId, second!.item.id));
    expect(label).toEqual({ categoryId: s.c1, source: "human" });
  });

  it("the batch grid filters suspected labels and settles them in bulk", async () => {
    const s = await seed({ suspectRate: 0 });
    const reviewer = s.callers[1]!;
    const page = await reviewer.batch.list({ projectId: s.project.id, reason: "suspect" });
    expect(page.items.map((r) => r.itemId).sort()).toEqual(
      s.pool
        .slice(0, 4)
        .map((p) => p.id)
        .sort(),
    );
    expect(page.items.every((r) => r.suspect?.suggested.id === s.c1 && r.label?.id === s.c0)).toBe(true);
    const unflagged = await reviewer.batch.list({ projectId: s.project.id, reason: "all" });
    expect(unflagged.items.find((r) => r.itemId === s.pool[5]!.id)?.suspect).toBeNull();

    // Keep two, take the suggestion for two, in one batch each.
    const [a, b, c, d] = page.items;
    await reviewer.annotations.submitBatch({
      projectId: s.project.id,
      idempotencyKey: key(),
      modelVersionId: s.versionId,
      decisions: [a!, b!].map((r) => ({ itemId: r.itemId, action: "correct" as const, categoryId: s.c0 })),
    });
    await reviewer.annotations.submitBatch({
      projectId: s.project.id,
      idempotencyKey: key(),
      modelVersionId: s.versionId,
      decisions: [c!, d!].map((r) => ({ itemId: r.itemId, action: "correct" as const, categoryId: s.c1 })),
    });
    expect(await Promise.all([a, b, c, d].map((r) => statusOf(r!.itemId)))).toEqual([
      "kept",
      "kept",
      "confirmed",
      "confirmed",
    ]);
    const after = await reviewer.batch.list({ projectId: s.project.id, reason: "suspect" });
    expect(after.items).toHaveLength(0);
    const human = await h.db
      .select({ itemId: labels.itemId })
      .from(labels)
      .where(and(eq(labels.projectId, s.project.id), eq(labels.source, "human")));
    expect(human).toHaveLength(4);
  });
});
