/**
 * "Awaiting audit" means drawn into the audit sample, not merely auto-labelled:
 * at an audit rate of 20% about a fifth of the auto labels carry it, the queue
 * serves audits from exactly those, a decided audit clears it, and a rate of 1
 * puts every auto label in the sample.
 */
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { annotations, predictions, projects } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, callerFor, makeProject, makeUser, TEST_SETTINGS } from "@/test/factories";
import { insertItems, setLabel } from "@/server/routers/__tests__/fixtures";
import { activateVersion } from "@/test/batch-fixtures";
import { leaseNextItems } from "@/server/services/queue";

const N = 300;

describe.each(dbTargets())("the audit sample on $name", (target) => {
  let h: TestDb;
  let projectId: number;
  let api: ReturnType<typeof callerFor>;
  let annotatorId: number;

  const setAuditRate = (auditRate: number) =>
    h.db
      .update(projects)
      .set({ settings: { ...TEST_SETTINGS, auditRate, revealAuditSource: true } })
      .where(eq(projects.id, projectId));

  const awaiting = async () => {
    const page = await api.batch.list({ projectId, reason: "audit", limit: 200 });
    return { count: page.total!.count, page };
  };

  beforeAll(async () => {
    h = await createTestDb(target);
    const reviewer = await makeUser(h.db);
    const annotator = await makeUser(h.db);
    annotatorId = annotator.id;
    const made = await makeProject(h.db);
    projectId = made.project.id;
    await addMember(h.db, projectId, reviewer.id, "reviewer");
    await addMember(h.db, projectId, annotator.id, "annotator");
    api = callerFor(h.db, reviewer);
    const cats = made.categories.map((c) => c.id);
    const versionId = await activateVersion(h, projectId, cats);
    const pool = await insertItems(
      h,
      projectId,
      Array.from({ length: N }, (_, i) => `auto ${i}`),
    );
    await h.db.insert(predictions).values(
      pool.map((it, i) => ({
        modelVersionId: versionId,
        itemId: it.id,
        projectId,
        categoryId: cats[i % cats.length]!,
        confidence: 0.99,
        margin: 0.98,
        entropy: 0.01,
        top: [{ categoryId: cats[i % cats.length]!, prob: 0.99 }],
      })),
    );
    for (const [i, it] of pool.entries())
      await setLabel(h, { projectId, itemId: it.id, categoryId: cats[i % cats.length]!, source: "auto" });
  });
  afterAll(async () => h?.drop());

  it("flags about the audit rate's share of auto labels, and the queue audits only those", async () => {
    await setAuditRate(0.2);
    const { count, page } = await awaiting();
    // Binomial(300, 0.2): mean 60, sd 6.9.
    expect(count).toBeGreaterThan(30);
    expect(count).toBeLessThan(90);
    const sampled = new Set(page.items.map((r) => r.itemId));
    expect(page.items.every((r) => r.awaitingAudit)).toBe(true);
    const firstPage = await api.batch.list({ projectId, reason: "auto_accepted", limit: 200 });
    const flagged = firstPage.items.filter((r) => r.awaitingAudit);
    expect(flagged.length).toBeLessThan(firstPage.items.length / 2);
    expect(flagged.every((r) => sampled.has(r.itemId))).toBe(true);

    await setAuditRate(1);
    const everything = await awaiting();
    expect(everything.count).toBe(N);
    await setAuditRate(0.2);
    // At audit rate 0.2 a slot is an audit when rng() < 0.2: always, with rng 0.1.
    const res = await leaseNextItems(h.db, { projectId, actorId: annotatorId, n: 10, rng: () => 0.1 });
    const audits = res.items.filter((x) => x.pick.reason === "audit");
    expect(audits.length).toBe(10);
    for (const a of audits) expect(sampled.has(a.item.id)).toBe(true);
  });

  it("a decided audit leaves the sample's waiting list", async () => {
    await setAuditRate(0.2);
    const before = await awaiting();
    const item = before.page.items[0]!;
    await h.db.insert(annotations).values({
      projectId,
      itemId: item.itemId,
      userId: annotatorId,
      action: "accept",
      categoryId: item.predicted.id,
      reason: "audit",
      idempotencyKey: randomUUID(),
      createdAt: new Date(Date.now() + 1000),
    });
    const after = await awaiting();
    expect(after.count).toBe(before.count - 1);
    expect(after.page.items.map((r) => r.itemId)).not.toContain(item.itemId);
  });
});
