import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, callerFor, makeUser } from "@/test/factories";
import { resolveRange } from "./range";
import { getActiveModelQuality, getDashboardActivity, getDashboardTrends } from "./dashboard";
import { seedDashboardProject, t } from "@/test/dashboard-fixtures";

const HOUR = 3_600_000;

describe.each(dbTargets())("dashboard aggregations on $name", (target) => {
  let h: TestDb;
  let projectId: number;
  let otherProjectId: number;
  let alice: { id: number };
  let bob: { id: number };
  let v2: number;
  const range = { from: t("2026-03-02T00:00:00"), to: t("2026-03-05T00:00:00") };

  beforeAll(async () => {
    h = await createTestDb(target);
    ({ projectId, otherProjectId, alice, bob, v2 } = await seedDashboardProject(h));
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

  it("refuses or clamps every unbounded range, whichever of from and to is sent", async () => {
    const manager = await makeUser(h.db);
    await addMember(h.db, projectId, manager.id, "manager");
    const m = callerFor(h.db, manager);
    const year100 = new Date("0100-01-01T00:00:00Z");
    const bad = { code: "BAD_REQUEST" };
    // A lone from means "until now": a millennia-long range, refused, as is any instant before 1970.
    await expect(m.dashboard.activity({ projectId, from: year100 })).rejects.toMatchObject(bad);
    await expect(m.dashboard.trends({ projectId, from: year100 })).rejects.toMatchObject(bad);
    await expect(m.dashboard.activity({ projectId, from: t("2010-01-01T00:00:00") })).rejects.toMatchObject(bad);
    await expect(
      m.dashboard.activity({ projectId, from: year100, to: new Date("0101-01-01T00:00:00Z") }),
    ).rejects.toMatchObject(bad);
    await expect(m.dashboard.activity({ projectId, to: year100 })).rejects.toMatchObject(bad);
    await expect(m.metrics.timeline({ projectId, from: year100 })).rejects.toMatchObject(bad);
    await expect(m.metrics.timeline({ projectId, to: year100 })).rejects.toMatchObject(bad);
    // A lone to far ahead starts at most ten years before it.
    const ahead = await m.dashboard.activity({ projectId, to: new Date("9000-01-01T00:00:00Z") });
    expect(ahead.labels.length).toBeLessThanOrEqual(524);
    // Below the schema, the service clamps too.
    const clamped = await resolveRange(h.db, { projectId, from: year100 }, t("2026-03-10T00:00:00"));
    expect(clamped.keys.length).toBeLessThanOrEqual(524);
  });
});
