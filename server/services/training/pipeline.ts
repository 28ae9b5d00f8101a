/** One training run's computation: snapshot → train → calibrate → certify → evaluate → artifact. */
import type { Db } from "@/db/client";
import type { Calibration, Thresholds, TrainProgress } from "@/ml";
import type { RemoteModel } from "@/ml/compute";
import { ValidationError } from "@/server/errors";
import { MIN_TRAINING_ITEMS } from "@/lib/constants";
import { compute, loadActiveModel } from "@/server/services/models";
import { readSnapshot, type LabelledItem } from "./snapshot";
import { splitSeedOf, splitSnapshot } from "./split";
import { gateEvidence } from "./gate-evidence";
import type { AutomationEvidence, GateEvidence, LoadedVersion } from "@/server/services/models";
import {
  certify,
  coverageAt,
  evaluateGold,
  fitCalibration,
  scoreLabelled,
  type GoldReport,
  type Scored,
} from "@/ml/evaluate-labelled";
import { toEvidence, type CertificationEvidence } from "@/ml/certification";

export type PipelineOptions = { epochs?: number; signal?: AbortSignal; onProgress?: (p: TrainProgress) => void };

export type PipelineResult = {
  artifact: { bytes: Uint8Array; sha256: string };
  backend: string;
  trainMs: number;
  labelCount: number;
  datasetHash: string;
  categoryIds: number[];
  calibration: Calibration;
  thresholds: Thresholds;
  /** What the thresholds were certified on, kept so another target can be previewed by the same rule. */
  evidence: CertificationEvidence;
  gold: GoldReport;
  /** The active version scored on the same gold snapshot. */
  baseline: { versionId: number; accuracy: number } | null;
  /** Both versions scored on items neither was trained on, for the activation gate. */
  comparison: GateEvidence;
  /** What each version's thresholds auto-accept of the certifying gold (null without an active version). */
  automation: AutomationEvidence | null;
  /**
   * calibration = what fitted it (hold-out, non-certifying gold, audits); certifying: the gold the thresholds
   * were certified on; seed: what drew the hold-out and the gold's parts (the next version's gate recomputes them).
   */
  splits: {
    train: number;
    calibration: number;
    holdOut: number;
    gold: number;
    certifying: number;
    audits: number;
    seed: number;
  };
  warmStartedFrom: number | null;
};

async function fit(
  train: LabelledItem[],
  categoryIds: number[],
  warm: RemoteModel | undefined,
  seed: number,
  o: PipelineOptions,
) {
  const index = new Map(categoryIds.map((c, i) => [c, i]));
  const rows = train.flatMap((r) => {
    const label = index.get(r.categoryId);
    return label === undefined ? [] : [{ input: r.input, label }];
  });
  if (rows.length < MIN_TRAINING_ITEMS)
    throw new ValidationError(`Training needs at least ${MIN_TRAINING_ITEMS} labelled pool items (has ${rows.length})`);
  const t0 = performance.now();
  // In the compute thread: the thread that serves requests (and, in the demo, the database) never trains.
  const model = await compute().train(
    {
      inputs: rows.map((r) => r.input),
      labels: rows.map((r) => r.label),
      numClasses: categoryIds.length,
    },
    { seed, epochs: o.epochs, warmStart: warm },
    { onProgress: o.onProgress, signal: o.signal },
  );
  return { model, trainMs: Math.round(performance.now() - t0) };
}

/** The active version on the gold snapshot: its accuracy, and its scores kept for the automation comparison. */
async function baselineOn(db: Db, projectId: number, gold: LabelledItem[]) {
  const active = await loadActiveModel(db, projectId);
  if (!active || gold.length === 0) return { active, baseline: null, activeOnGold: [] };
  const activeOnGold = await scoreLabelled(active.model, active.calibration, gold, active.categoryIds);
  const accuracy = activeOnGold.length ? activeOnGold.filter((s) => s.correct).length / gold.length : 0;
  return { active, baseline: { versionId: active.versionId, accuracy }, activeOnGold };
}

/** What each version's certified thresholds accept of today's certifying gold (the active one under its current calibration). */
function automationOn(
  active: LoadedVersion | null,
  activeOnGold: Scored[],
  certifying: LabelledItem[],
  trained: { coverage: number },
): AutomationEvidence | null {
  if (!active || certifying.length === 0) return null;
  const ids = new Set(certifying.map((c) => c.itemId));
  const scored = activeOnGold.filter((s) => ids.has(s.itemId));
  return {
    n: certifying.length,
    newCoverage: trained.coverage,
    activeCoverage: scored.length ? coverageAt(scored, active.perClass).accepted / certifying.length : 0,
  };
}

export async function trainAndEvaluate(
  db: Db,
  run: { projectId: number; version: number; targetPrecision: number },
  o: PipelineOptions,
): Promise<PipelineResult> {
  const snap = await readSnapshot(db, run.projectId);
  if (snap.categoryIds.length < 2) throw new ValidationError("Training needs at least two categories");
  const seed = splitSeedOf(run.projectId);
  const parts = splitSnapshot(snap, seed);
  const { active, baseline, activeOnGold } = await baselineOn(db, run.projectId, snap.gold);
  const sameCategories = active !== null && JSON.stringify(active.categoryIds) === JSON.stringify(snap.categoryIds);
  const { model, trainMs } = await fit(
    parts.train,
    snap.categoryIds,
    sameCategories ? active.model : undefined,
    run.version,
    o,
  );
  try {
    o.onProgress?.({ phase: "calibrate", epoch: 0, epochs: 0, loss: 0 });
    const calibration = await fitCalibration(model, parts.calibration, snap.categoryIds);
    const certified = await scoreLabelled(model, calibration, parts.certification, snap.categoryIds);
    const thresholds = certify(certified, snap.categoryIds.length, run.targetPrecision);
    o.onProgress?.({ phase: "evaluate", epoch: 0, epochs: 0, loss: 0 });
    // Calibration figures on the certifying gold only: the rest of the gold fitted the calibration.
    const gold = evaluateGold(
      await scoreLabelled(model, calibration, snap.gold, snap.categoryIds),
      snap.categoryIds,
      thresholds.perClass,
      certified,
    );
    const automation = automationOn(
      active,
      activeOnGold,
      parts.certification,
      coverageAt(certified, thresholds.perClass),
    );
    const comparison = await gateEvidence(db, {
      projectId: run.projectId,
      active,
      trained: { model, calibration, categoryIds: snap.categoryIds },
      snap,
      parts,
    });
    // The blob carries the training-time calibration and thresholds too (self-describing);
    // the calibrations row stays the one that counts, since recalibration changes it without a new blob.
    const artifact = await model.serialize(calibration, thresholds);
    return {
      artifact,
      backend: model.backend,
      trainMs,
      labelCount: parts.train.length,
      datasetHash: snap.datasetHash,
      categoryIds: snap.categoryIds,
      calibration,
      thresholds,
      evidence: toEvidence(certified, snap.categoryIds.length),
      gold,
      baseline,
      comparison,
      automation,
      splits: {
        train: parts.train.length,
        calibration: parts.calibration.length,
        holdOut: parts.holdOut.length,
        gold: snap.gold.length,
        certifying: parts.certification.length,
        audits: snap.audits.length,
        seed,
      },
      warmStartedFrom: sameCategories && model.training.warmStarted ? active.versionId : null,
    };
  } finally {
    await model.release();
  }
}
