import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { annotations, leases, predictions, projects } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, callerFor, makeProject, makeUser, TEST_SETTINGS } from "@/test/factories";
import { insertItems, setLabel } from "@/server/routers/__tests__/fixtures";
import { activateVersion } from "@/test/batch-fixtures";

type Api = ReturnType<typeof callerFor>;
type ListInput = Omit<Parameters<Api["batch"]["list"]>[0], "projectId">;

describe.each(dbTargets())("batch grid filters and sorting on $name", (target) => {
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
    // Every auto label in the audit sample: which ones a lower rate draws is audit-sample.test.ts's subject.
    await h.db
      .update(projects)
      .set({ settings: { ...TEST_SETTINGS, auditRate: 1 } })
      .where(eq(projects.id, projectId));
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
  const pool = (pred: (i: number) => boolean) =>
    Array.from({ length: 24 }, (_, i) => i)
      .filter(pred)
      .map((i) => `p${i}`);

  it("lists pool predictions of the active version only, with paths, labels and who holds a lease", async () => {
    const page = await api.batch.list({ projectId, sort: "confidence_asc" });
    expect(page.modelVersion).toEqual({ id: versionId, version: 1 });
    expect(page.items.map((r) => r.title)).toEqual(pool(() => true));
    expect(page.total).toEqual({ count: 24, capped: false });
    const p1 = page.items.find((r) => r.title === "p1")!;
    expect(p1).toMatchObject({
      predicted: { id: cats[1]!.id, path: cats[1]!.path },
      label: { id: cats[1]!.id, source: "auto" },
      awaitingAudit: true,
    });
    expect(p1.alternatives).toEqual([
      { id: cats[2]!.id, path: cats[2]!.path, deleted: false, prob: expect.closeTo(0.5, 6) },
    ]);
    expect(page.items.find((r) => r.title === "p2")!.awaitingAudit).toBe(false);
    expect(page.items.find((r) => r.title === "p5")!.heldBy).toBe("Otto Other");
    // The reviewer's own lease does not block them.
    expect(page.items.find((r) => r.title === "p6")!.heldBy).toBeNull();
  });

  it("filters by predicted category, confidence range, reason and label state", async () => {
    expect(await titles({ categoryId: cats[1]!.id, sort: "confidence_asc" })).toEqual(pool((i) => i % 3 === 1));
    // Confidence of p_i is 0.5 + floor(i/2) * 0.04: [0.7, 0.8] holds i = 10..15.
    expect(await titles({ minConfidence: 0.7, maxConfidence: 0.8, sort: "confidence_asc" })).toEqual(
      pool((i) => i >= 10 && i <= 15),
    );
    expect(await titles({ categoryId: cats[0]!.id, minConfidence: 0.89, sort: "confidence_asc" })).toEqual(
      pool((i) => i % 3 === 0 && i >= 20),
    );
    expect(await titles({ reason: "uncertain", sort: "confidence_asc" })).toEqual(pool((i) => i > 3));
    expect(await titles({ reason: "auto_accepted", sort: "confidence_asc" })).toEqual(["p1", "p2"]);
    expect(await titles({ reason: "audit", sort: "confidence_asc" })).toEqual(["p1"]);
    expect(await titles({ labelState: "human" })).toEqual(["p0"]);
    expect(await titles({ labelState: "import" })).toEqual(["p3"]);
    expect(await titles({ labelState: "unlabelled", maxConfidence: 0.55, sort: "confidence_asc" })).toEqual([]);
    expect(await titles({ labelState: "unlabelled", maxConfidence: 0.6, sort: "confidence_asc" })).toEqual([
      "p4",
      "p5",
    ]);
    await expect(api.batch.list({ projectId, minConfidence: 0.9, maxConfidence: 0.5 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(api.batch.list({ projectId, limit: 201 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("filters by a parent category: predictions at or under it, never a mere prefix of a name", async () => {
    // cats: Audio > Headphones (i % 3 = 0), Audio > Speakers (1), Computers > Keyboards (2).
    expect(await titles({ within: "Audio", sort: "confidence_asc" })).toEqual(pool((i) => i % 3 !== 2));
    expect(await titles({ within: "Computers", sort: "confidence_asc" })).toEqual(pool((i) => i % 3 === 2));
    expect(await titles({ within: "Audio > Speakers", sort: "confidence_asc" })).toEqual(pool((i) => i % 3 === 1));
    expect(await titles({ within: "Aud" })).toEqual([]);
    expect(await titles({ within: "%" })).toEqual([]);
    expect(await titles({ within: "Audio", reason: "auto_accepted", sort: "confidence_asc" })).toEqual(["p1"]);
    const audio = await api.batch.list({ projectId, within: "Audio", limit: 5 });
    expect(audio.total).toEqual({ count: 16, capped: false });
    const seen: string[] = [];
    let cursor: { value: number; itemId: number } | undefined;
    do {
      const page = await api.batch.list({ projectId, within: "Audio", sort: "margin_asc", limit: 3, cursor });
      seen.push(...page.items.map((r) => r.title));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && seen.length < 100);
    expect([...seen].sort()).toEqual(pool((i) => i % 3 !== 2).sort());
    await expect(api.batch.list({ projectId, within: "" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(api.batch.list({ projectId, within: "x".repeat(501) })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("sorts by confidence and margin, ties broken by item id", async () => {
    const asc = pool(() => true);
    expect(await titles({ sort: "confidence_asc" })).toEqual(asc);
    // Descending: pairs of equal confidence come out with the higher id first.
    expect(await titles({ sort: "confidence_desc" })).toEqual([...asc].reverse());
    expect(await titles({ sort: "margin_desc" })).toEqual(asc);
    expect(await titles({ sort: "margin_asc" })).toEqual([...asc].reverse());
  });

  it.each(["confidence_asc", "confidence_desc", "margin_asc", "margin_desc"] as const)(
    "keyset pages (%s) return every row exactly once",
    async (sort) => {
      for (const filter of [{}, { categoryId: cats[2]!.id }, { reason: "uncertain" as const, minConfidence: 0.6 }]) {
        const all = await titles({ sort, ...filter });
        const seen: string[] = [];
        let cursor: { value: number; itemId: number } | undefined;
        let pages = 0;
        do {
          const page = await api.batch.list({ projectId, sort, limit: 3, cursor, ...filter });
          if (cursor) expect(page.total).toBeNull();
          seen.push(...page.items.map((r) => r.title));
          cursor = page.nextCursor ?? undefined;
          pages++;
        } while (cursor && pages < 50);
        expect(seen).toEqual(all);
        expect(new Set(seen).size).toBe(seen.length);
      }
    },
  );

  it("counts predictions per category on the pool for the facets", async () => {
    const f = await api.batch.facets({ projectId });
    expect(f.scored).toBe(24);
    expect(f.categories.map((c) => [c.path, c.predicted])).toEqual(
      [...cats].sort((a, b) => a.path.localeCompare(b.path)).map((c) => [c.path, 8]),
    );
    expect(f.truncated).toBe(false);
    expect(f.parents).toEqual([
      { path: "Audio", depth: 1, predicted: 16 },
      { path: "Computers", depth: 1, predicted: 8 },
    ]);
  });
});
