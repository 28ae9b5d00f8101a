/**
 * Calibrating, certifying and evaluating a trained model on labelled items
 * (the category ids of the project, mapped to the model's class indices).
 * Shared by training runs and recalibration jobs.
 */
import {
  evaluate,
  expectedCalibrationError,
  reliabilityDiagram,
  type Thresholds,
  type Calibration,
  type PredictOptions,
  type TextInput,
  type TrainedModel,
} from "@/ml";
import { certifyEvidence, toEvidence } from "./certification";
import { fittingFor } from "./certified-calibration";
import { IDENTITY_CALIBRATION } from "./prediction";
import type { ModelScorer } from "./scorer";

/** Equal-width bins of the stored reliability diagram and its ECE (10, as versions have always been reported). */
const RELIABILITY_BINS = 10;
export { CONFIDENCE_LEVEL } from "./certification";

/** An item with a known category: a label, a gold item or an audit decision. */
export type LabelledItem = { itemId: number; input: TextInput; categoryId: number };

export type Scored = { itemId: number; truth: number; predicted: number; confidence: number; correct: boolean };

/** Predictions of a model of this thread under `cal` (the model's own calibration is left as it is). */
export function predictWith(model: TrainedModel, cal: Calibration, inputs: TextInput[], opts: PredictOptions) {
  return model.predict(inputs, { ...opts, calibration: cal });
}

/** Predictions of `model` under `cal` on items whose category is in the model's output. */
export async function scoreLabelled(
  model: ModelScorer,
  cal: Calibration,
  rows: LabelledItem[],
  categoryIds: number[],
): Promise<Scored[]> {
  const index = new Map(categoryIds.map((c, i) => [c, i]));
  const known = rows.filter((r) => index.has(r.categoryId));
  const preds = await model.predict(
    known.map((r) => r.input),
    cal,
    { topK: 1 },
  );
  return known.map((r, i) => {
    const p = preds[i]!;
    const predicted = p.top[0]?.classIndex ?? 0;
    const truth = index.get(r.categoryId)!;
    return { itemId: r.itemId, truth, predicted, confidence: p.confidence, correct: predicted === truth };
  });
}

/**
 * Post-hoc calibration fitted on raw logits of the calibration split: ml's
 * fitBestCalibration (temperature, +bias or +isotonic, chosen by 2-fold held-out
 * ECE) when the split is big enough, temperature alone on small splits, none on tiny ones.
 */
export async function fitCalibration(
  model: ModelScorer,
  rows: LabelledItem[],
  categoryIds: number[],
): Promise<Calibration> {
  const index = new Map(categoryIds.map((c, i) => [c, i]));
  const known = rows.filter((r) => index.has(r.categoryId));
  const how = fittingFor(known.length);
  if (how === "none") return IDENTITY_CALIBRATION;
  return model.fitCalibration(
    known.map((r) => r.input),
    known.map((r) => index.get(r.categoryId)!),
    how,
  );
}

/**
 * Thresholds certified on random-sample evidence only (gold items and audit
 * decisions): uncertainty-sampled labels are skewed towards hard items and
 * would certify the wrong population.
 */
export function certify(scored: Scored[], numClasses: number, targetPrecision: number): Thresholds {
  return certifyEvidence(toEvidence(scored, numClasses), targetPrecision);
}

/** Share of rows the thresholds auto-accept, and how many of those are right. */
export function coverageAt(
  rows: readonly Pick<Scored, "predicted" | "confidence" | "correct">[],
  perClass: readonly (number | null)[],
) {
  const accepted = rows.filter((r) => {
    const t = perClass[r.predicted];
    return t !== null && t !== undefined && r.confidence >= t;
  });
  const right = accepted.filter((r) => r.correct).length;
  return {
    coverage: rows.length ? accepted.length / rows.length : 0,
    precision: accepted.length ? right / accepted.length : null,
    accepted: accepted.length,
  };
}

/** ECE and the reliability bins in the shape the UI reads ({ lo, hi, count, accuracy, confidence }). */
export function calibrationFigures(rows: readonly Scored[]) {
  const conf = rows.map((s) => s.confidence);
  const correct = rows.map((s) => s.correct);
  const bins = reliabilityDiagram(conf, correct, RELIABILITY_BINS).map((b) => ({
    lo: b.lower,
    hi: b.upper,
    count: b.count,
    accuracy: b.accuracy,
    confidence: b.meanConfidence,
  }));
  return { ece: expectedCalibrationError(conf, correct, RELIABILITY_BINS), bins };
}

export type GoldReport = ReturnType<typeof evaluateGold>;

/** Gold-set report (ml's evaluate); class indices are mapped back to category ids for the UI. */
/** `calibrationOn`: the items whose reliability is reported (default all; those the calibration was not fitted on). */
export function evaluateGold(
  scored: Scored[],
  categoryIds: number[],
  perClassThresholds: readonly (number | null)[],
  calibrationOn: readonly Scored[] = scored,
) {
  const ev = evaluate({
    predicted: scored.map((s) => s.predicted),
    labels: scored.map((s) => s.truth),
    numClasses: categoryIds.length,
  });
  const cal = calibrationFigures(calibrationOn);
  const cov = coverageAt(scored, perClassThresholds);
  return {
    n: scored.length,
    accuracy: ev.accuracy,
    macroF1: ev.macroF1,
    ece: cal.ece,
    reliability: cal.bins,
    coverageAtTarget: cov.coverage,
    precisionAtTarget: cov.precision,
    perClass: ev.perClass.map((c, i) => ({
      classIndex: i,
      categoryId: categoryIds[i]!,
      precision: c.precision,
      recall: c.recall,
      f1: c.f1,
      support: c.support,
    })),
    confusions: ev.topConfusions.slice(0, 20).map((c) => ({
      trueCategoryId: categoryIds[c.actual]!,
      predictedCategoryId: categoryIds[c.predicted]!,
      count: c.count,
    })),
  };
}
