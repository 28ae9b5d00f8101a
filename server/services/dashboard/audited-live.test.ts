import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { annotations, metricSnapshots, modelVersions, projects } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { makeItems, makeProject, makeUser } from "@/test/factories";
import { getDashboardTrends } from "./dashboard";

const DAY = 86_400_000;

describe.each(dbTargets())("audited precision on the dashboard on $name", (target) => {
  let h: TestDb;
  let projectId = 0;
  const now = new Date();

  beforeAll(async () => {
    h = await createTestDb(target);
    const { project, categories } = await makeProject(h.db);
    projectId = project.id;
    const user = await makeUser(h.db);
    const [v] = await h.db
      .insert(modelVersions)
      .values({ projectId, version: 1, status: "ready", trigger: "initial", finishedAt: new Date(now.getTime() - DAY) })
      .returning({ id: modelVersions.id });
    await h.db.update(projects).set({ activeModelVersionId: v!.id }).where(eq(projects.id, projectId));
    // The last snapshot predates every audit.
    await h.db.insert(metricSnapshots).values({
      projectId,
      kind: "training",
      takenAt: new Date(now.getTime() - DAY),
      metrics: { labelsBySource: { human: 1, auto: 2 }, auditedPrecision: null },
    });
    const [a, b] = await makeItems(h.db, projectId, 2);
    await h.db.insert(annotations).values(
      [a!, b!].map((item, i) => ({
        projectId,
        itemId: item.id,
        userId: user.id,
        action: i === 0 ? ("accept" as const) : ("correct" as const),
        categoryId: categories[i]!.id,
        modelVersionId: v!.id,
        reason: "audit" as const,
        createdAt: new Date(now.getTime() - 60_000),
        idempotencyKey: randomBytes(8).toString("hex"),
      })),
    );
  });
  afterAll(async () => h?.drop());

  it("counts audits made since the last snapshot when the range reaches now", async () => {
    const t = await getDashboardTrends(h.db, { projectId, from: new Date(now.getTime() - 7 * DAY), to: now }, now);
    expect(t.auditedNow).toMatchObject({ audits: 2, auditedPrecision: 0.5 });
    expect(t.auditedNow!.auditedLower).toBeLessThan(0.5);
  });

  it("reads a range that ended earlier from its snapshots alone", async () => {
    const t = await getDashboardTrends(
      h.db,
      { projectId, from: new Date(now.getTime() - 7 * DAY), to: new Date(now.getTime() - 2 * DAY) },
      now,
    );
    expect(t.auditedNow).toBeNull();
  });
});
