/**
 * The dashboard tests' project: two annotators' decisions, skips and labels over
 * three days of March 2026, two model versions with snapshots, and a second
 * project whose activity must never show up in the first one's figures.
 */
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { annotations, labels, metricSnapshots, modelVersions, projects } from "@/db/schema";
import { DEFAULT_SETTINGS } from "@/server/services/projects";
import { insertItems } from "@/server/routers/__tests__/fixtures";
import type { TestDb } from "./db";
import { makeProject, makeUser } from "./factories";

/** An ISO time without zone, read as UTC. */
export const t = (iso: string) => new Date(`${iso}Z`);

export async function seedDashboardProject(h: TestDb) {
  const { project, categories } = await makeProject(h.db, { name: "Dash" });
  const projectId = project.id;
  const cats = categories.map((c) => c.id);
  await h.db
    .update(projects)
    .set({ settings: { ...DEFAULT_SETTINGS, hourlyCost: 36 } })
    .where(eq(projects.id, projectId));
  const alice = await makeUser(h.db, { name: "Alice" });
  const bob = await makeUser(h.db, { name: "Bob" });
  const its = await insertItems(
    h,
    projectId,
    Array.from({ length: 16 }, (_, i) => `item ${i}`),
  );
  const id = (i: number) => its[i]!.id;
  const [c1, c2] = [cats[0]!, cats[1]!];
  const ann = (
    i: number,
    userId: number,
    action: "accept" | "correct" | "reject" | "skip",
    at: string,
    ms: number | null,
    suggested: number | null,
    category: number | null,
  ) => ({
    projectId,
    itemId: id(i),
    userId,
    action,
    createdAt: t(at),
    timeSpentMs: ms,
    suggestedCategoryId: suggested,
    categoryId: category,
    idempotencyKey: randomBytes(8).toString("hex"),
  });
  await h.db.insert(annotations).values([
    ann(0, alice.id, "accept", "2026-03-02T10:00:00", 10_000, c1, c1),
    ann(1, alice.id, "correct", "2026-03-02T10:30:00", 20_000, c1, c2),
    ann(2, alice.id, "skip", "2026-03-02T11:00:00", 5_000, c1, null),
    ann(3, bob.id, "accept", "2026-03-02T12:00:00", 30_000, c1, c1),
    ann(4, alice.id, "reject", "2026-03-03T09:00:00", 40_000, c2, null),
    ann(5, bob.id, "correct", "2026-03-03T09:10:00", null, null, c2),
    ann(6, alice.id, "accept", "2026-03-01T23:59:00", 1_000, c1, c1), // before the range
  ]);
  const label = (i: number, source: "human" | "auto" | "import", at: string) => ({
    itemId: id(i),
    projectId,
    categoryId: c1,
    source,
    updatedAt: t(at),
    createdAt: t(at),
  });
  await h.db.insert(labels).values([
    label(7, "human", "2026-03-02T10:00:00"),
    label(8, "human", "2026-03-02T11:00:00"),
    label(9, "auto", "2026-03-02T01:00:00"),
    label(10, "auto", "2026-03-02T02:00:00"),
    label(11, "auto", "2026-03-02T23:59:59"),
    label(12, "import", "2026-03-03T00:00:00"),
    label(13, "auto", "2026-03-03T05:00:00"),
    label(14, "human", "2026-03-04T05:00:00"),
    label(15, "auto", "2026-03-06T05:00:00"), // after the range
  ]);

  const mv = (
    version: number,
    status: "ready" | "failed",
    finishedAt: string,
    accuracy: number | null,
    extra: Record<string, unknown> = {},
  ) => ({
    projectId,
    version,
    status,
    trigger: "manual" as const,
    categoryIds: cats,
    finishedAt: t(finishedAt),
    metrics: { summary: { accuracy, macroF1: accuracy, ece: 0.05, coverageAtTarget: 0.5 }, ...extra },
  });
  const gold = {
    n: 50,
    accuracy: 0.85,
    ece: 0.04,
    reliability: [
      { lo: 0.8, hi: 0.9, count: 20, accuracy: 0.8, confidence: 0.85 },
      { lo: 0.9, hi: 1, count: 30, accuracy: 0.93, confidence: 0.95 },
    ],
    confusions: [
      { trueCategoryId: c2, predictedCategoryId: c1, count: 1 },
      { trueCategoryId: c1, predictedCategoryId: c2, count: 5 },
      { trueCategoryId: c1, predictedCategoryId: cats[2]!, count: 0 },
    ],
  };
  const versions = await h.db
    .insert(modelVersions)
    .values([
      mv(1, "ready", "2026-03-02T05:00:00", 0.8),
      mv(2, "ready", "2026-03-03T06:00:00", 0.85, { gold }),
      mv(3, "failed", "2026-03-03T07:00:00", null),
      mv(4, "ready", "2026-03-09T00:00:00", 0.9),
    ])
    .returning({ id: modelVersions.id });
  const v2 = versions[1]!.id;
  await h.db.update(projects).set({ activeModelVersionId: v2 }).where(eq(projects.id, projectId));
  const snap = (at: string, auto: number, human: number, audited: Record<string, unknown>) => ({
    projectId,
    kind: "hourly",
    takenAt: t(at),
    metrics: { labelsBySource: { auto, human }, auditedPrecision: audited, model: { version: 2 } },
  });
  await h.db
    .insert(metricSnapshots)
    .values([
      snap("2026-03-02T08:00:00", 1, 3, { n: 0, precision: null, lower: 0, upper: 1 }),
      snap("2026-03-02T20:00:00", 3, 1, { n: 10, precision: 0.9, lower: 0.6, upper: 0.98 }),
      snap("2026-03-03T08:00:00", 0, 0, { n: 0, precision: null, lower: 0, upper: 1 }),
    ]);

  // Another project's busy day inside the range must not leak in.
  const other = await makeProject(h.db, { name: "Other" });
  const otherProjectId = other.project.id;
  const [o] = await insertItems(h, otherProjectId, ["theirs"]);
  await h.db.insert(annotations).values({
    projectId: otherProjectId,
    itemId: o!.id,
    userId: alice.id,
    action: "accept",
    createdAt: t("2026-03-02T10:00:00"),
    timeSpentMs: 999_000,
    idempotencyKey: "other",
  });
  await h.db.insert(labels).values({
    itemId: o!.id,
    projectId: otherProjectId,
    categoryId: other.categories[0]!.id,
    source: "auto",
    updatedAt: t("2026-03-02T10:00:00"),
  });
  return { projectId, otherProjectId, cats, alice, bob, v2 };
}
