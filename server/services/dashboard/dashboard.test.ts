import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { annotations, labels, metricSnapshots, modelVersions, projects } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, callerFor, makeProject, makeUser } from "@/test/factories";
import { DEFAULT_SETTINGS } from "@/server/services/projects";
import { bucketKeys, resolveRange, truncUtc } from "@/server/services/dashboard/range";
import { costOf, costSeries } from "@/server/services/dashboard/cost";
import { getActiveModelQuality, getDashboardActivity, getDashboardTrends } from "@/server/services/dashboard/dashboard";
import { insertItems } from "@/server/routers/__tests__/fixtures";

const t = (iso: string) => new Date(`${iso}Z`);
const HOUR = 3_600_000;

describe("dashboard buckets and cost formula", () => {
  it("truncates to UTC days and ISO weeks like date_trunc", () => {
    expect(truncUtc(t("2026-03-04T23:59:59"), "day").toISOString()).toBe("2026-03-04T00:00:00.000Z");
    // 2026-03-08 is a Sunday: its week starts on Monday 2026-03-02.
    expect(truncUtc(t("2026-03-08T12:00:00"), "week").toISOString()).toBe("2026-03-02T00:00:00.000Z");
    expect(bucketKeys(t("2026-03-02T10:00:00"), t("2026-03-05T00:00:00"), "day")).toEqual([
      "2026-03-02",
      "2026-03-03",
      "2026-03-04",
    ]);
    expect(bucketKeys(t("2026-03-04T10:00:00"), t("2026-03-17T00:00:00"), "week")).toEqual([
      "2026-03-02",
      "2026-03-09",
      "2026-03-16",
    ]);
  });

  it("prices human time per categorised item and auto-accepts at the median handling time", () => {
    const p = costOf(
      { handlingMs: 2 * HOUR, humanLabels: 30, autoLabels: 90 },
      { hourlyCost: 30, medianHandlingMs: 12_000 },
    );
    expect(p.humanCost).toBe(60);
    expect(p.itemsCategorised).toBe(120);
    expect(p.costPerItem).toBe(0.5);
    expect(p.hoursSaved).toBeCloseTo(0.3, 10); // 90 × 12 s = 18 min
    expect(p.moneySaved).toBeCloseTo(9, 10);
    const none = costOf({ handlingMs: 0, humanLabels: 0, autoLabels: 5 }, { hourlyCost: 30, medianHandlingMs: null });
    expect(none).toMatchObject({ costPerItem: 0, hoursSaved: null, moneySaved: null });
    expect(
      costOf({ handlingMs: 0, humanLabels: 0, autoLabels: 0 }, { hourlyCost: 30, medianHandlingMs: 1 }).costPerItem,
    ).toBeNull();
    const s = costSeries(
      [
        { bucket: "a", handlingMs: HOUR, humanLabels: 1, autoLabels: 2 },
        { bucket: "b", handlingMs: 0, humanLabels: 0, autoLabels: 4 },
      ],
      { hourlyCost: 10, medianHandlingMs: HOUR / 2 },
    );
    expect(s.series.map((x) => x.cumulativeHoursSaved)).toEqual([1, 3]);
    expect(s.total).toMatchObject({ humanCost: 10, itemsCategorised: 7, hoursSaved: 3, moneySaved: 30 });
  });
});

describe.each(dbTargets())("dashboard aggregations on $name", (target) => {
  let h: TestDb;
  let projectId: number;
  let otherProjectId: number;
  let cats: number[];
  let alice: { id: number };
  let bob: { id: number };
  let v2: number;
  const range = { from: t("2026-03-02T00:00:00"), to: t("2026-03-05T00:00:00") };

  beforeAll(async () => {
    h = await createTestDb(target);
    const { project, categories } = await makeProject(h.db, { name: "Dash" });
    projectId = project.id;
    cats = categories.map((c) => c.id);
    await h.db
      .update(projects)
      .set({ settings: { ...DEFAULT_SETTINGS, hourlyCost: 36 } })
      .where(eq(projects.id, projectId));
    alice = await makeUser(h.db, { name: "Alice" });
    bob = await makeUser(h.db, { name: "Bob" });
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
    v2 = versions[1]!.id;
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
    otherProjectId = other.project.id;
    const [o] = await insertItems(h, otherProjectId, ["theirs"]);
    await h.db
      .insert(annotations)
      .values({
        projectId: otherProjectId,
        itemId: o!.id,
        userId: alice.id,
        action: "accept",
        createdAt: t("2026-03-02T10:00:00"),
        timeSpentMs: 999_000,
        idempotencyKey: "other",
      });
    await h.db
      .insert(labels)
      .values({
        itemId: o!.id,
        projectId: otherProjectId,
        categoryId: other.categories[0]!.id,
        source: "auto",
        updatedAt: t("2026-03-02T10:00:00"),
      });
  });
  afterAll(async () => h?.drop());

  it("counts labels per day by source, exactly, within the range", async () => {
    const a = await getDashboardActivity(h.db, { projectId, ...range });
    expect(a.range.bucket).toBe("day");
    expect(a.labels).toEqual([
      { bucket: "2026-03-02", human: 2, auto: 3, import: 0 },
      { bucket: "2026-03-03", human: 0, auto: 1, import: 1 },
      { bucket: "2026-03-04", human: 1, auto: 0, import: 0 },
    ]);
  });

  it("gives decisions, skips, handling time and median per day", async () => {
    const a = await getDashboardActivity(h.db, { projectId, ...range });
    expect(a.throughput).toEqual([
      { bucket: "2026-03-02", decisions: 3, skips: 1, handlingMs: 65_000, medianHandlingMs: 20_000 },
      { bucket: "2026-03-03", decisions: 2, skips: 0, handlingMs: 40_000, medianHandlingMs: 40_000 },
      { bucket: "2026-03-04", decisions: 0, skips: 0, handlingMs: 0, medianHandlingMs: null },
    ]);
  });

  it("gives decisions per hour of handling time, median handling time and agreement per annotator", async () => {
    const a = await getDashboardActivity(h.db, { projectId, ...range });
    expect(a.annotators.map((x) => x.name)).toEqual(["Alice", "Bob"]);
    const [al, bo] = a.annotators;
    expect(al).toMatchObject({ userId: alice.id, decisions: 3, skips: 1, medianHandlingMs: 20_000 });
    expect(al!.decisionsPerHour).toBeCloseTo(3 / (70_000 / HOUR), 9);
    expect(al!.agreement).toBeCloseTo(1 / 3, 9);
    // Bob's second decision has no recorded time: it counts as a decision, not in his speed.
    expect(bo).toMatchObject({ userId: bob.id, decisions: 2, skips: 0, medianHandlingMs: 30_000, agreement: 1 });
    expect(bo!.decisionsPerHour).toBeCloseTo(120, 9);
  });

  it("computes cost per item and hours saved from the project's hourly cost and the median decision time", async () => {
    const { cost } = await getDashboardActivity(h.db, { projectId, ...range });
    expect(cost.hourlyCost).toBe(36);
    expect(cost.medianHandlingMs).toBe(25_000); // decisions with a time in range: 10, 20, 30, 40 s
    const [d1, d2, d3] = cost.series;
    expect(d1!.humanCost).toBeCloseTo(0.65, 9); // 65 s at 36/h
    expect(d1!.itemsCategorised).toBe(5);
    expect(d1!.costPerItem).toBeCloseTo(0.13, 9);
    expect(d1!.hoursSaved).toBeCloseTo((3 * 25_000) / HOUR, 9);
    expect(d1!.moneySaved).toBeCloseTo(0.75, 9);
    expect(d2!.costPerItem).toBeCloseTo(0.4, 9);
    expect(d3).toMatchObject({ humanCost: 0, itemsCategorised: 1, costPerItem: 0, autoAccepted: 0, hoursSaved: 0 });
    expect(d3!.cumulativeHoursSaved).toBeCloseTo((4 * 25_000) / HOUR, 9);
    expect(cost.total.humanCost).toBeCloseTo(1.05, 9);
    expect(cost.total.itemsCategorised).toBe(7);
    expect(cost.total.costPerItem).toBeCloseTo(0.15, 9);
    expect(cost.total.moneySaved).toBeCloseTo(1, 9);
  });

  it("falls back to the all-time median when the range has no decisions", async () => {
    const quiet = await getDashboardActivity(h.db, {
      projectId,
      from: t("2026-03-04T00:00:00"),
      to: t("2026-03-05T00:00:00"),
    });
    expect(quiet.throughput[0]!.decisions).toBe(0);
    expect(quiet.cost.medianHandlingMs).toBe(20_000); // all time: 1, 10, 20, 30, 40 s
  });

  it("starts an open range at the first activity and buckets long ranges by week", async () => {
    const r = await resolveRange(h.db, { projectId }, t("2026-03-10T00:00:00"));
    expect(r.from.toISOString()).toBe("2026-03-01T23:59:00.000Z");
    expect(r.bucket).toBe("day");
    expect(r.keys[0]).toBe("2026-03-01");
    expect(r.keys).toHaveLength(9);
    const long = await resolveRange(h.db, { projectId, from: t("2025-01-01T00:00:00"), to: t("2026-01-01T00:00:00") });
    expect(long.bucket).toBe("week");
    expect(long.keys.length).toBeLessThanOrEqual(53);
  });

  it("lists ready versions' gold accuracy in the range and the last snapshot per day", async () => {
    const tr = await getDashboardTrends(h.db, { projectId, ...range });
    expect(tr.versions.map((v) => [v.version, v.accuracy, v.active])).toEqual([
      [1, 0.8, false],
      [2, 0.85, true],
    ]);
    expect(tr.snapshots).toHaveLength(2);
    expect(tr.snapshots[0]).toMatchObject({
      bucket: "2026-03-02",
      automationRate: 0.75,
      auditedPrecision: 0.9,
      auditedLower: 0.6,
      auditedUpper: 0.98,
      audits: 10,
      modelVersion: 2,
    });
    expect(tr.snapshots[1]).toMatchObject({
      bucket: "2026-03-03",
      automationRate: null,
      auditedPrecision: null,
      auditedLower: null,
      audits: 0,
    });
  });

  it("gives the active version's reliability bins and top confusions by path", async () => {
    const q = await getActiveModelQuality(h.db, { projectId, confusions: 10 });
    expect(q).toMatchObject({ versionId: v2, version: 2, goldItems: 50, accuracy: 0.85 });
    expect(q!.reliability).toHaveLength(2);
    expect(q!.confusions).toEqual([
      { truePath: "Audio > Headphones", predictedPath: "Audio > Speakers", count: 5 },
      { truePath: "Audio > Speakers", predictedPath: "Audio > Headphones", count: 1 },
    ]);
    expect(await getActiveModelQuality(h.db, { projectId: otherProjectId, confusions: 10 })).toBeNull();
  });

  it("is served to metric viewers only, with the range validated", async () => {
    const manager = await makeUser(h.db);
    const annotator = await makeUser(h.db);
    await addMember(h.db, projectId, manager.id, "manager");
    await addMember(h.db, projectId, annotator.id, "annotator");
    const m = callerFor(h.db, manager);
    expect((await m.dashboard.activity({ projectId, ...range })).labels).toHaveLength(3);
    await expect(callerFor(h.db, annotator).dashboard.activity({ projectId, ...range })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(m.dashboard.trends({ projectId, from: range.to, to: range.from })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(
      m.dashboard.activity({ projectId, from: t("2010-01-01T00:00:00"), to: t("2026-01-01T00:00:00") }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
