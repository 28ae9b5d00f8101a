import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { annotations, auditEvents, calibrations, labels, modelVersions, predictions } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { requestTraining } from "@/server/services/training-requests";
import { runTraining } from "@/server/services/training";
import { scoreProjectInline } from "@/server/services/scoring";
import { loadVersion } from "@/server/services/models-load";
import { applyCalibration } from "@/server/services/calibration";
import { clearsThreshold, thresholdFor } from "@/server/services/auto-accept";
import { onAuditRecorded, tightened } from "@/server/services/auto-accept-tighten";
import { auditsFail } from "@/server/services/auto-accept-audits";
import { makeSyntheticProject, type Synthetic } from "./model-fixtures";

describe("audit failure rule and tightening arithmetic", () => {
  it("fails on the interval's upper bound (≥5 audits) or the point estimate (≥20 audits)", () => {
    expect(auditsFail({ n: 4, accepted: 0, precision: 0, lower: 0, upper: 0.49 }, 0.98)).toBe(false);
    expect(auditsFail({ n: 5, accepted: 3, precision: 0.6, lower: 0.23, upper: 0.88 }, 0.98)).toBe(true);
    expect(auditsFail({ n: 19, accepted: 18, precision: 0.947, lower: 0.75, upper: 0.99 }, 0.98)).toBe(false);
    expect(auditsFail({ n: 20, accepted: 19, precision: 0.95, lower: 0.76, upper: 0.99 }, 0.98)).toBe(true);
  });
  it("raises thresholds above failed confidences and never lowers one", () => {
    expect(tightened([0.9, 0.8, null], [1, 2, 3], [{ categoryId: 1, confidence: 0.95 }])).toEqual([0.95 + 1e-6, 0.8, null]);
    // A failure that moves nothing (confidence already below its threshold) still tightens: all rise halfway to 1.
    expect(tightened([0.9, 0.8], [1, 2], [{ categoryId: 2, confidence: 0.5 }])).toEqual([0.95, 0.9]);
    expect(tightened([0.9], [1], [{ categoryId: 1, confidence: null }])).toEqual([0.95]);
  });
});

describe.each(dbTargets())("auto-accept and audits on $name", (target) => {
  let h: TestDb;
  let s: Synthetic;
  let v: number;
  beforeAll(async () => {
    h = await createTestDb(target);
    s = await makeSyntheticProject(h.db, { labelled: 200 });
    v = (await requestTraining(h.db, { projectId: s.project.id, trigger: "initial", actorId: null })).versionId;
    await runTraining(h.db, v, { epochs: 6 });
  });
  afterAll(async () => h?.drop());

  const autoLabels = () => h.db.select().from(labels).where(and(eq(labels.projectId, s.project.id), eq(labels.source, "auto")));

  it("never auto-accepts below the class threshold nor over a human label", async () => {
    const loaded = await loadVersion(h.db, s.project.id, v);
    // A calibration whose thresholds sit mid-distribution: a real split between accepted and not.
    const preds0 = await scoreProjectInline(h.db, { projectId: s.project.id, versionId: v, calibrationId: loaded.calibrationId });
    expect(preds0.scored).toBeGreaterThan(0);
    const confs = (await h.db.select({ c: predictions.confidence }).from(predictions).where(eq(predictions.modelVersionId, v))).map((r) => r.c).sort();
    const mid = confs[Math.floor(confs.length / 2)]!;
    const perClass = [mid, null, mid];
    const calId = await applyCalibration(h.db, { projectId: s.project.id, versionId: v, previousId: loaded.calibrationId, actorId: null, kind: "test", params: { ...loaded.calibration }, thresholds: { global: null, perClass }, metrics: {} });
    await scoreProjectInline(h.db, { projectId: s.project.id, versionId: v, calibrationId: calId });
    const rows = await h.db
      .select({ itemId: predictions.itemId, categoryId: predictions.categoryId, confidence: predictions.confidence, source: labels.source, labelCat: labels.categoryId })
      .from(predictions)
      .leftJoin(labels, eq(labels.itemId, predictions.itemId))
      .where(eq(predictions.modelVersionId, v));
    const cat2 = s.categories[1]!.id;
    let accepted = 0;
    let below = 0;
    for (const r of rows) {
      const t = perClass[s.categories.findIndex((c) => c.id === r.categoryId)] ?? null;
      if (r.source === "auto") {
        accepted++;
        expect(clearsThreshold(t, r.confidence)).toBe(true);
        expect(r.categoryId).not.toBe(cat2);
      } else if (r.source === null && s.poolIds.includes(r.itemId)) {
        below++;
        expect(clearsThreshold(t, r.confidence)).toBe(false);
      }
    }
    console.log(`[measure] ${target.name}: threshold ${mid.toFixed(4)}: ${accepted} auto-accepted, ${below} pool items left for review`);
    expect(accepted).toBeGreaterThan(0);
    expect(below).toBeGreaterThan(0);
    // Human and import labels untouched.
    expect((await h.db.select().from(labels).where(and(eq(labels.projectId, s.project.id), eq(labels.source, "human")))).length).toBe(200);
  });

  it("an audit failure tightens thresholds at once and sends the version's auto labels back to review", async () => {
    const auto = await autoLabels();
    expect(auto.length).toBeGreaterThan(6);
    const before = await loadVersion(h.db, s.project.id, v);
    // Six auditors disagree with six auto labels.
    const wrong = auto.slice(0, 6);
    await h.db.insert(annotations).values(
      wrong.map((l, i) => ({
        projectId: s.project.id, itemId: l.itemId, userId: s.user.id, action: "correct" as const, categoryId: s.categories.find((c) => c.id !== l.categoryId)!.id,
        suggestedCategoryId: l.categoryId, suggestedConfidence: l.confidence, modelVersionId: v, reason: "audit" as const, idempotencyKey: `audit-${i}`,
      })),
    );
    const res = await onAuditRecorded(h.db, s.project.id);
    expect(res.action).toBe("tightened");
    const after = await loadVersion(h.db, s.project.id, v);
    expect(after.calibrationId).not.toBe(before.calibrationId);
    after.perClass.forEach((t, i) => {
      const old = before.perClass[i] ?? null;
      if (old === null) expect(t).toBeNull();
      else if (t !== null) expect(t).toBeGreaterThanOrEqual(old);
    });
    expect(after.perClass.some((t, i) => t !== before.perClass[i])).toBe(true);
    expect(await autoLabels()).toHaveLength(0);
    const [cal] = await h.db.select().from(calibrations).where(eq(calibrations.id, after.calibrationId!));
    expect(cal!.kind).toBe("tighten");
    const [ev] = await h.db.select().from(auditEvents).where(and(eq(auditEvents.projectId, s.project.id), eq(auditEvents.action, "labels.auto_revoked")));
    expect(ev!.after).toMatchObject({ reason: "audit_failure", count: auto.length });
    const [mv] = await h.db.select({ cal: modelVersions.currentCalibrationId }).from(modelVersions).where(eq(modelVersions.id, v));
    expect(mv!.cal).toBe(after.calibrationId);
    // Nothing more happens on a second call: the evidence window restarted with the new calibration.
    expect((await onAuditRecorded(h.db, s.project.id)).action).toBe("none");
  });
});
