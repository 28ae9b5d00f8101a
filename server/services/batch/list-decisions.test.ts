import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { annotations, labels, leases, predictions } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, callerFor, makeProject, makeUser } from "@/test/factories";
import { insertItems, setLabel } from "@/server/routers/__tests__/fixtures";
import { activateVersion, seedScoredPool } from "@/test/batch-fixtures";

type Api = ReturnType<typeof callerFor>;
type ListInput = Omit<Parameters<Api["batch"]["list"]>[0], "projectId">;

describe.each(dbTargets())("batch grid decisions, disputes and scale on $name", (target) => {
  let h: TestDb;
  let api: Api;
  let projectId: number;
  let versionId: number;
  let cats: { id: number; path: string }[];
  /** title → item id */
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    h = await createTestDb(target);
    const reviewer = await makeUser(h.db, { name: "Rita Reviewer" });
    const other = await makeUser(h.db, { name: "Otto Other" });
    const made = await makeProject(h.db);
    projectId = made.project.id;
    cats = made.categories;
    await addMember(h.db, projectId, reviewer.id, "reviewer");
    await addMember(h.db, projectId, other.id, "annotator");
    api = callerFor(h.db, reviewer);
    versionId = await activateVersion(
      h,
      projectId,
      cats.map((c) => c.id),
    );

    // 24 pool items: category i % 3, confidence steps of 0.04 with pairs of ties, margin descending with i.
    const pool = await insertItems(
      h,
      projectId,
      Array.from({ length: 24 }, (_, i) => `p${i}`),
    );
    const gold = await insertItems(h, projectId, ["gold"], "test");
    for (const it of [...pool, ...gold]) ids[it.title] = it.id;
    await h.db.insert(predictions).values(
      [...pool, ...gold].map((it, i) => {
        const conf = it.split === "test" ? 0.99 : 0.5 + Math.floor(i / 2) * 0.04;
        const cat = cats[i % 3]!.id;
        return {
          modelVersionId: versionId,
          itemId: it.id,
          projectId,
          categoryId: cat,
          confidence: conf,
          margin: 1 - i / 30,
          entropy: 1 - conf,
          top: [
            { categoryId: cat, prob: conf },
            { categoryId: cats[(i + 1) % 3]!.id, prob: 1 - conf },
          ],
        };
      }),
    );
    await setLabel(h, { projectId, itemId: ids.p0!, categoryId: cats[0]!.id, source: "human", userId: reviewer.id });
    await setLabel(h, { projectId, itemId: ids.p1!, categoryId: cats[1]!.id, source: "auto" });
    await setLabel(h, { projectId, itemId: ids.p2!, categoryId: cats[2]!.id, source: "auto" });
    await setLabel(h, { projectId, itemId: ids.p3!, categoryId: cats[0]!.id, source: "import" });
    // p2's auto label has been audited since it was set: no longer awaiting audit.
    await h.db.insert(annotations).values({
      projectId,
      itemId: ids.p2!,
      userId: other.id,
      action: "accept",
      categoryId: cats[2]!.id,
      reason: "audit",
      idempotencyKey: randomUUID(),
      createdAt: new Date(Date.now() + 1000),
    });
    await h.db.insert(leases).values({
      itemId: ids.p5!,
      projectId,
      userId: other.id,
      reason: "uncertain",
      expiresAt: new Date(Date.now() + 600_000),
    });
    await h.db.insert(leases).values({
      itemId: ids.p6!,
      projectId,
      userId: reviewer.id,
      reason: "uncertain",
      expiresAt: new Date(Date.now() + 600_000),
    });
  });
  afterAll(async () => h?.drop());

  const titles = async (input: ListInput) =>
    (await api.batch.list({ projectId, limit: 200, ...input })).items.map((r) => r.title);
  it("approves what the grid shows through submitBatch, and the grid reflects it", async () => {
    const shown = (
      await api.batch.list({ projectId, reason: "uncertain", categoryId: cats[2]!.id, minConfidence: 0.8 })
    ).items;
    const free = shown.filter((r) => r.heldBy === null);
    expect(free.length).toBeGreaterThan(0);
    const res = await api.annotations.submitBatch({
      projectId,
      idempotencyKey: randomUUID(),
      modelVersionId: versionId,
      decisions: free.map((r) => ({ itemId: r.itemId, action: "accept" as const })),
    });
    expect(res.decisions).toHaveLength(free.length);
    const stored = await h.db
      .select({ itemId: labels.itemId, categoryId: labels.categoryId, source: labels.source })
      .from(labels)
      .where(and(eq(labels.projectId, projectId), eq(labels.source, "human")));
    for (const r of free) expect(stored).toContainEqual({ itemId: r.itemId, categoryId: cats[2]!.id, source: "human" });
    expect(await titles({ reason: "uncertain", categoryId: cats[2]!.id, minConfidence: 0.8 })).toEqual([]);
    expect(await titles({ labelState: "human", categoryId: cats[2]!.id, minConfidence: 0.8 })).toEqual(
      expect.arrayContaining(free.map((r) => r.title)),
    );
  });

  it("lists human labels a second opinion disagrees with, until a new human label settles them", async () => {
    const second = await makeUser(h.db, { name: "Sue Second" });
    await addMember(h.db, projectId, second.id, "annotator");
    await setLabel(h, { projectId, itemId: ids.p7!, categoryId: cats[1]!.id, source: "human" });
    await setLabel(h, { projectId, itemId: ids.p8!, categoryId: cats[2]!.id, source: "human" });
    const secondOpinion = (itemId: number, categoryId: number) =>
      h.db.insert(annotations).values({
        projectId,
        itemId,
        userId: second.id,
        action: "correct",
        categoryId,
        reason: "overlap",
        idempotencyKey: randomUUID(),
      });
    await secondOpinion(ids.p7!, cats[0]!.id); // disagrees
    await secondOpinion(ids.p8!, cats[2]!.id); // agrees
    expect(await titles({ reason: "disputed" })).toEqual(["p7"]);
    // Each row says what the second person chose, so the reviewer can settle it from the grid.
    const rows = (await api.batch.list({ projectId, limit: 200 })).items;
    expect(rows.find((r) => r.title === "p7")!.dispute).toEqual({
      id: cats[0]!.id,
      path: cats[0]!.path,
      deleted: false,
      by: "Sue Second",
    });
    expect(rows.find((r) => r.title === "p8")!.dispute).toBeNull();
    // Settled in the grid: the reviewer's decision is a newer human label.
    await new Promise((r) => setTimeout(r, 20));
    await api.annotations.submitBatch({
      projectId,
      idempotencyKey: randomUUID(),
      decisions: [{ itemId: ids.p7!, action: "correct", categoryId: cats[0]!.id }],
    });
    expect(await titles({ reason: "disputed" })).toEqual([]);
  });

  it("is empty, not an error, before a model is active; a foreign category is NOT_FOUND", async () => {
    const { project, categories: otherCats } = await makeProject(h.db, { name: "No model yet" });
    const admin = await makeUser(h.db, { isAdmin: true });
    const root = callerFor(h.db, admin);
    await insertItems(h, project.id, ["unscored"]);
    expect(await root.batch.list({ projectId: project.id })).toMatchObject({
      modelVersion: null,
      items: [],
      nextCursor: null,
    });
    expect(await root.batch.facets({ projectId: project.id })).toMatchObject({ modelVersion: null, scored: 0 });
    await expect(api.batch.list({ projectId, categoryId: otherCats[0]!.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("caps the count at COUNT_CAP and filters a 12k-item pool", { timeout: 600_000 }, async () => {
    const { project, categories: bigCats } = await makeProject(h.db, {
      name: "Big",
      categories: Array.from({ length: 20 }, (_, i) => `Dept ${i % 4} > Aisle ${i}`),
    });
    const v = await activateVersion(
      h,
      project.id,
      bigCats.map((c) => c.id),
    );
    await seedScoredPool(h, {
      projectId: project.id,
      versionId: v,
      categoryIds: bigCats.map((c) => c.id),
      n: 12_000,
      labelled: 0.1,
    });
    const admin = callerFor(h.db, await makeUser(h.db, { isAdmin: true }));
    const first = await admin.batch.list({ projectId: project.id, limit: 100 });
    expect(first.total).toEqual({ count: 10_000, capped: true });
    const some = await admin.batch.list({
      projectId: project.id,
      categoryId: bigCats[3]!.id,
      minConfidence: 0.8,
      limit: 100,
    });
    expect(some.total!.capped).toBe(false);
    expect(some.items.every((r) => r.predicted.id === bigCats[3]!.id && r.confidence >= 0.8)).toBe(true);
    const facets = await admin.batch.facets({ projectId: project.id });
    expect(facets.scored).toBe(12_000);
  });
});
