/**
 * Calibrating, certifying and evaluating a trained model on labelled items.
 * Shared by training runs and recalibration jobs.
 */
import type { TextInput } from "@/ml/features";
import type { PredictOptions, TrainedModel } from "@/ml/model";
import type { Calibration } from "@/ml/prediction";
import { selectThresholds, type Thresholds } from "@/ml/thresholds";
import { calibrationError, classificationStats, coverageAt, fitTemperature } from "./calibration-math";
import type { LabelledItem } from "./training-data";

export const CONFIDENCE_LEVEL = 0.95;

export type Scored = { itemId: number; truth: number; predicted: number; confidence: number; correct: boolean };

/**
 * Cached models are shared between jobs: the calibration is set and used in one
 * synchronous stretch (TrainedModel.predict does not yield), so jobs cannot mix them up.
 */
export function predictWith(model: TrainedModel, cal: Calibration, inputs: TextInput[], opts: PredictOptions) {
  model.setCalibration(cal);
  return model.predict(inputs, opts);
}

/** Predictions of `model` under `cal` on items whose category is in the model's output. */
export async function scoreLabelled(model: TrainedModel, cal: Calibration, rows: LabelledItem[], categoryIds: number[]): Promise<Scored[]> {
  const index = new Map(categoryIds.map((c, i) => [c, i]));
  const known = rows.filter((r) => index.has(r.categoryId));
  const preds = await predictWith(model, cal, known.map((r) => r.input), { topK: 1 });
  return known.map((r, i) => {
    const p = preds[i]!;
    const predicted = p.top[0]?.classIndex ?? 0;
    const truth = index.get(r.categoryId)!;
    return { itemId: r.itemId, truth, predicted, confidence: p.confidence, correct: predicted === truth };
  });
}

/** Temperature scaling fitted on the calibration split (raw logits, not calibrated probabilities). */
export function fitCalibration(model: TrainedModel, rows: LabelledItem[], categoryIds: number[]): Calibration {
  const index = new Map(categoryIds.map((c, i) => [c, i]));
  const known = rows.filter((r) => index.has(r.categoryId));
  if (known.length === 0) return { method: "none", temperature: 1 };
  const logits = model.logits(known.map((r) => r.input));
  return fitTemperature(logits, known.map((r) => index.get(r.categoryId)!), model.numClasses);
}

/**
 * Thresholds certified on random-sample evidence only (gold items and audit
 * decisions): uncertainty-sampled labels are skewed towards hard items and
 * would certify the wrong population.
 */
export function certify(scored: Scored[], numClasses: number, targetPrecision: number): Thresholds {
  return selectThresholds({
    confidences: scored.map((s) => s.confidence),
    predicted: scored.map((s) => s.predicted),
    correct: scored.map((s) => s.correct),
    numClasses,
    targetPrecision,
    confidenceLevel: CONFIDENCE_LEVEL,
  });
}

export type GoldReport = ReturnType<typeof evaluateGold>;

/** Gold-set report; class indices are mapped back to category ids for the UI. */
export function evaluateGold(scored: Scored[], categoryIds: number[], perClassThresholds: readonly (number | null)[]) {
  const stats = classificationStats(scored.map((s) => s.predicted), scored.map((s) => s.truth), categoryIds.length);
  const cal = calibrationError(scored.map((s) => s.confidence), scored.map((s) => s.correct));
  const cov = coverageAt(scored, perClassThresholds);
  return {
    n: scored.length,
    accuracy: stats.accuracy,
    macroF1: stats.macroF1,
    ece: cal.ece,
    reliability: cal.bins,
    coverageAtTarget: cov.coverage,
    precisionAtTarget: cov.precision,
    perClass: stats.perClass.map((c) => ({ ...c, categoryId: categoryIds[c.classIndex]! })),
    confusions: stats.confusions.map((c) => ({ trueCategoryId: categoryIds[c.trueIndex]!, predictedCategoryId: categoryIds[c.predictedIndex]!, count: c.count })),
  };
}
