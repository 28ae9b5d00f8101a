/**
 * Recalibration: refit the active version's temperature and thresholds on the
 * newest gold and audit labels, without retraining. The new calibration row
 * and the version's pointer to it change in one transaction.
 */
import { returned } from "@/db/rows";
import type { JobData } from "@/server/jobs/payloads";
import { and, eq } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { calibrations, modelVersions, projects } from "@/db/schema";
import type { Calibration } from "@/ml";
import { recordAudit } from "@/server/services/audit";
import { loadActiveModel, type LoadedVersion } from "@/server/services/models";
import { planScoring } from "@/server/services/models";
import { readSnapshot, splitSeedOf, splitSnapshot, type LabelledItem } from "@/server/services/training";
import { calibrationFigures, certify, coverageAt, fitCalibration, scoreLabelled } from "@/ml/evaluate-labelled";
import { getProjectSettings } from "@/server/services/projects";
import { toEvidence } from "@/ml/certification";

export type RecalibrateReason = JobData["recalibrate"]["reason"];

async function measure(
  v: LoadedVersion,
  cal: Calibration,
  evidence: LabelledItem[],
  perClass: readonly (number | null)[],
) {
  const scored = await scoreLabelled(v.model, cal, evidence, v.categoryIds);
  return { scored, ece: calibrationFigures(scored).ece, ...coverageAt(scored, perClass) };
}

/** Refit on the evidence; with too little of it to fit anything the current calibration stays. */
async function refit(v: LoadedVersion, evidence: LabelledItem[]): Promise<Calibration> {
  const cal = await fitCalibration(v.model, evidence, v.categoryIds);
  return cal.method === "none" ? v.calibration : cal;
}

/**
 * As training does it (one split rule): the calibration is refitted on the pool labels held out of training and
 * the audits, and the threshold is recertified on the gold, which fitted nothing (so its ECE is a held-out one).
 */
export async function recalibrate(db: Db, p: { projectId: number; reason: RecalibrateReason; actorId: number | null }) {
  const v = await loadActiveModel(db, p.projectId);
  if (!v) return null;
  const settings = await getProjectSettings(db, { projectId: p.projectId });
  const snap = await readSnapshot(db, p.projectId);
  const parts = splitSnapshot(snap, splitSeedOf(p.projectId));
  const { gold, audits } = snap;
  const certifying = parts.certification;
  const fitOn = parts.calibration;
  const before = await measure(v, v.calibration, certifying, v.perClass);
  const cal = await refit(v, fitOn);
  const afterScored = await scoreLabelled(v.model, cal, certifying, v.categoryIds);
  const thresholds = certify(afterScored, v.categoryIds.length, settings.precisionTarget);
  // The curve is kept so the settings page can show what another precision target would cover under this calibration.
  const after = await measure(v, cal, certifying, thresholds.perClass);
  const metrics = {
    reason: p.reason,
    n: certifying.length,
    fitted: fitOn.length,
    gold: gold.length,
    audits: audits.length,
    before: { ece: before.ece, coverage: before.coverage, precision: before.precision },
    after: { ece: after.ece, eceHeldOut: after.ece, coverage: after.coverage, precision: after.precision },
    curve: thresholds.curve,
    // The settings page previews other targets on exactly this evidence, by the same rule.
    evidence: toEvidence(afterScored, v.categoryIds.length),
  };
  const certified = {
    global: thresholds.global,
    perClass: thresholds.perClass,
    targetPrecision: thresholds.targetPrecision,
    reason: thresholds.reason ?? null,
  };
  const calibrationId = await applyCalibration(db, {
    projectId: p.projectId,
    versionId: v.versionId,
    previousId: v.calibrationId,
    actorId: p.actorId,
    kind: "recalibration",
    params: { ...cal },
    thresholds: certified,
    metrics,
  });
  if (calibrationId === null) return null;
  await planScoring(db, { projectId: p.projectId, versionId: v.versionId, calibrationId });
  return {
    calibrationId,
    versionId: v.versionId,
    metrics,
    thresholds: certified,
  };
}

export type NewCalibration = {
  projectId: number;
  versionId: number;
  previousId: number | null;
  actorId: number | null;
  kind: string;
  params: Record<string, unknown>;
  thresholds: { global: number | null; perClass: (number | null)[]; targetPrecision?: number; reason?: string | null };
  metrics: Record<string, unknown>;
  /** More changes that must commit or fail with this calibration. */
  also?: (tx: Tx) => Promise<void>;
};

function withoutEvidence(metrics: Record<string, unknown>): Record<string, unknown> {
  const { evidence: _evidence, ...rest } = metrics;
  return rest;
}

/** Writes the calibration and points the version at it, only if the version is still active. */
export async function applyCalibration(db: Db, c: NewCalibration): Promise<number | null> {
  return db.transaction(async (tx) => {
    const [proj] = await tx
      .select({ active: projects.activeModelVersionId })
      .from(projects)
      .where(eq(projects.id, c.projectId))
      .for("update");
    if (proj?.active !== c.versionId) return null;
    const row = returned(
      await tx
        .insert(calibrations)
        .values({
          projectId: c.projectId,
          modelVersionId: c.versionId,
          kind: c.kind,
          params: c.params,
          thresholds: c.thresholds,
          metrics: c.metrics,
        })
        .returning({ id: calibrations.id }),
      "calibration",
    );
    await tx
      .update(modelVersions)
      .set({ currentCalibrationId: row.id })
      .where(and(eq(modelVersions.id, c.versionId), eq(modelVersions.projectId, c.projectId)));
    await recordAudit(tx, {
      projectId: c.projectId,
      actorId: c.actorId,
      action: c.kind === "tighten" ? "model.thresholds_tightened" : "model.recalibrated",
      entityType: "model_version",
      entityId: c.versionId,
      before: { calibrationId: c.previousId },
      // The certification evidence (one entry per certifying gold item) stays in the calibration row only.
      after: { calibrationId: row.id, thresholds: c.thresholds, metrics: withoutEvidence(c.metrics) },
    });
    if (c.also) await c.also(tx);
    return row.id;
  });
}
