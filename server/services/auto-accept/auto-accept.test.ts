import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { annotations, auditEvents, calibrations, labels, modelVersions, predictions } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { requestTraining } from "@/server/services/training";
import { runTraining } from "@/server/services/training";
import { scoreProjectInline } from "@/server/services/scoring";
import { loadVersion } from "@/server/services/models";
import { applyCalibration } from "@/server/services/calibration";
import { clearsThreshold } from "./accept-range";
import { onAuditRecorded, tightened } from "./tighten";
import { auditLogLikelihoodRatio, auditsFail } from "./audit-failure-rule";
import { createRng } from "@/ml/rng";
import { makeSyntheticProject, type Synthetic } from "@/test/model-fixtures";

/** Audits one by one with the rule checked after each; the first audit count at which it fires, or null. */
function firstAlarm(rng: () => number, precision: number, target: number, audits: number): number | null {
  let accepted = 0;
  for (let n = 1; n <= audits; n++) {
    if (rng() < precision) accepted++;
    if (auditsFail({ n, accepted }, target)) return n;
  }
  return null;
}

function alarmRate(seed: number, precision: number, target: number, audits: number, runs: number) {
  const rng = createRng(seed);
  const at = Array.from({ length: runs }, () => firstAlarm(rng, precision, target, audits)).filter(
    (n): n is number => n !== null,
  );
  return { rate: at.length / runs, median: at.sort((a, b) => a - b)[at.length >> 1] ?? null };
}

describe("audit failure rule and tightening arithmetic", () => {
  it("is a sequential ratio test: strong evidence fires, one early miss does not", () => {
    expect(auditsFail({ n: 0, accepted: 0 }, 0.98)).toBe(false);
    expect(auditsFail({ n: 2, accepted: 0 }, 0.98)).toBe(false);
    expect(auditsFail({ n: 3, accepted: 0 }, 0.98)).toBe(true);
    // The bench:loop case that revoked a whole version under the old rule: 4 kept of 5 at 0.98.
    expect(auditsFail({ n: 5, accepted: 4 }, 0.98)).toBe(false);
    expect(auditsFail({ n: 20, accepted: 19 }, 0.98)).toBe(false);
    expect(auditsFail({ n: 20, accepted: 16 }, 0.98)).toBe(true);
    expect(auditLogLikelihoodRatio(98, 100, 0.98)).toBeLessThan(0);
  });

  // Seeded, 4,000 runs each: the rates' standard errors are ≤ 0.8 points, far inside the margins asserted.
  it("keeps false alarms under 5% over 200 audits checked one by one when precision is at or just above target", () => {
    for (const target of [0.9, 0.95, 0.98]) {
      const above = alarmRate(11, target + 0.008, target, 200, 4000);
      const at = alarmRate(12, target, target, 200, 4000);
      console.log(
        `[measure] target ${target}: false alarms over 200 audits ${(100 * above.rate).toFixed(2)}% at +0.8 pt, ${(100 * at.rate).toFixed(2)}% at the target`,
      );
      expect(above.rate).toBeLessThan(0.025);
      expect(at.rate).toBeLessThan(0.05);
    }
  });

  it("fires within a bounded number of audits when precision is 5 points under target", () => {
    const r98 = alarmRate(13, 0.93, 0.98, 200, 4000);
    console.log(
      `[measure] 93% vs 0.98: fires within 200 audits in ${(100 * r98.rate).toFixed(1)}% of runs (median ${r98.median})`,
    );
    expect(r98.rate).toBeGreaterThan(0.85);
    expect(r98.median).toBeLessThan(90);
    // Ten points under fires sooner: a broken version is stopped within ~100 audits.
    const far = alarmRate(14, 0.88, 0.98, 100, 4000);
    console.log(
      `[measure] 88% vs 0.98: fires within 100 audits in ${(100 * far.rate).toFixed(1)}% of runs (median ${far.median})`,
    );
    expect(far.rate).toBeGreaterThan(0.93);
    // Fewer errors to go on at lower targets: slower, but 0.95 − 5 points still fires in most runs within 200.
    expect(alarmRate(15, 0.9, 0.95, 200, 4000).rate).toBeGreaterThan(0.65);
  });

  it("raises thresholds above failed confidences and never lowers one", () => {
    expect(tightened([0.9, 0.8, null], [1, 2, 3], [{ categoryId: 1, confidence: 0.95 }])).toEqual([
      0.95 + 1e-6,
      0.8,
      null,
    ]);
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

  const autoLabels = () =>
    h.db
      .select()
      .from(labels)
      .where(and(eq(labels.projectId, s.project.id), eq(labels.source, "auto")));

  it("never auto-accepts below the class threshold nor over a human label", async () => {
    const loaded = await loadVersion(h.db, s.project.id, v);
    // A calibration whose thresholds sit mid-distribution: a real split between accepted and not.
    const preds0 = await scoreProjectInline(h.db, {
      projectId: s.project.id,
      versionId: v,
      calibrationId: loaded.calibrationId,
    });
    expect(preds0.scored).toBeGreaterThan(0);
    const confs = (
      await h.db.select({ c: predictions.confidence }).from(predictions).where(eq(predictions.modelVersionId, v))
    )
      .map((r) => r.c)
      .sort();
    const mid = confs[Math.floor(confs.length / 2)]!;
    const perClass = [mid, null, mid];
    const calId = await applyCalibration(h.db, {
      projectId: s.project.id,
      versionId: v,
      previousId: loaded.calibrationId,
      actorId: null,
      kind: "test",
      params: { ...loaded.calibration },
      thresholds: { global: null, perClass },
      metrics: {},
    });
    await scoreProjectInline(h.db, { projectId: s.project.id, versionId: v, calibrationId: calId });
    const rows = await h.db
      .select({
        itemId: predictions.itemId,
        categoryId: predictions.categoryId,
        confidence: predictions.confidence,
        source: labels.source,
        labelCat: labels.categoryId,
      })
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
    console.log(
      `[measure] ${target.name}: threshold ${mid.toFixed(4)}: ${accepted} auto-accepted, ${below} pool items left for review`,
    );
    expect(accepted).toBeGreaterThan(0);
    expect(below).toBeGreaterThan(0);
    // Human and import labels untouched.
    expect(
      (
        await h.db
          .select()
          .from(labels)
          .where(and(eq(labels.projectId, s.project.id), eq(labels.source, "human")))
      ).length,
    ).toBe(200);
  });

  it("an audit failure tightens thresholds at once and sends the version's auto labels back to review", async () => {
    const auto = await autoLabels();
    expect(auto.length).toBeGreaterThan(6);
    const before = await loadVersion(h.db, s.project.id, v);
    // Six auditors disagree with six auto labels.
    const wrong = auto.slice(0, 6);
    await h.db.insert(annotations).values(
      wrong.map((l, i) => ({
        projectId: s.project.id,
        itemId: l.itemId,
        userId: s.user.id,
        action: "correct" as const,
        categoryId: s.categories.find((c) => c.id !== l.categoryId)!.id,
        suggestedCategoryId: l.categoryId,
        suggestedConfidence: l.confidence,
        modelVersionId: v,
        reason: "audit" as const,
        idempotencyKey: `audit-${i}`,
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
    const [ev] = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.projectId, s.project.id), eq(auditEvents.action, "labels.auto_revoked")));
    expect(ev!.after).toMatchObject({ reason: "audit_failure", count: auto.length });
    const [mv] = await h.db
      .select({ cal: modelVersions.currentCalibrationId })
      .from(modelVersions)
      .where(eq(modelVersions.id, v));
    expect(mv!.cal).toBe(after.calibrationId);
    // Nothing more happens on a second call: the evidence window restarted with the new calibration.
    expect((await onAuditRecorded(h.db, s.project.id)).action).toBe("none");
  });
});
