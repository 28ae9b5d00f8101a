/**
 * Calibration and certification kept apart, so the certificate is honest: the random-sample
 * evidence (gold items) certifies the threshold and fits nothing; the calibration is fitted on
 * other labels the model never trained on (a training run's hold-out, audit decisions). One
 * global threshold is certified, by the fixed-sequence scan of ml/thresholds.ts, on calibrated
 * confidence: the calibration's per-class terms are what let classes differ, without choosing a
 * scheme after looking at the certifying labels.
 *
 * Splitting the gold instead (a share fits, the rest certifies) was tried first: it cost the
 * certificate a third of its evidence, which on a gold set built in the loop (~1,000 items at
 * 0.98) left nothing certifiable at all.
 */
import { fitCalibration as fitOnLogits } from "./calibration";
import { fitBestCalibration } from "./calibration-select";
import { certifyEvidence } from "./certification";
import { type Calibration, IDENTITY_CALIBRATION, predictionsFromLogitArray } from "./prediction";
import { mulberry32Value } from "./rng";
import type { Thresholds } from "./thresholds";

/** Below this many items temperature alone is fitted: the method choice needs two halves big enough for isotonic blocks. */
export const MIN_ITEMS_FOR_METHOD_CHOICE = 200;
export const MIN_ITEMS_FOR_TEMPERATURE = 10;

export type CalibrationFitting = "best" | "temperature" | "none";

/** How much calibration `n` items can fit. */
export function fittingFor(n: number): CalibrationFitting {
  if (n < MIN_ITEMS_FOR_TEMPERATURE) return "none";
  return n >= MIN_ITEMS_FOR_METHOD_CHOICE ? "best" : "temperature";
}

/** Fixed pseudo-random share in [0,1) per item id and seed (pure: browser, worker and server agree). */
export function evidenceShare(id: number, seed: number): number {
  return mulberry32Value((Math.imul(id >>> 0, 0x9e3779b1) ^ Math.imul(seed >>> 0, 0x85ebca6b)) >>> 0);
}

export function calibrationOnLogits(
  logits: Float32Array,
  labels: readonly number[],
  numClasses: number,
  how: CalibrationFitting,
): Calibration {
  if (how === "none") return IDENTITY_CALIBRATION;
  const args = { logits, labels, numClasses };
  return how === "best"
    ? fitBestCalibration(args).calibration
    : fitOnLogits({ ...args, method: "temperature" }).calibration;
}

export type CertifiedCalibration = {
  calibration: Calibration;
  thresholds: Thresholds;
  /** Items the calibration was fitted on, and the items the threshold was certified on. */
  fitted: number;
  certifiedOn: number;
};

/**
 * Calibration fitted on `fit` (labels the model never trained on, other than the evidence),
 * threshold certified on all of the evidence: what training and recalibration do, on logits
 * (the benchmark's way in; the product goes through a model scorer with the same rules).
 */
export function calibrateAndCertify(a: {
  logits: Float32Array;
  labels: readonly number[];
  numClasses: number;
  targetPrecision: number;
  fit: { logits: Float32Array; labels: readonly number[] };
}): CertifiedCalibration {
  const k = a.numClasses;
  const calibration = calibrationOnLogits(a.fit.logits, a.fit.labels, k, fittingFor(a.fit.labels.length));
  const preds = a.labels.length ? predictionsFromLogitArray(a.logits, k, calibration) : [];
  const predicted = preds.map((p) => p.top[0]?.classIndex ?? -1);
  const thresholds = certifyEvidence(
    {
      numClasses: k,
      confidence: preds.map((p) => p.confidence),
      predicted,
      correct: predicted.map((c, j) => (c === a.labels[j] ? 1 : 0)),
    },
    a.targetPrecision,
  );
  return { calibration, thresholds, fitted: a.fit.labels.length, certifiedOn: a.labels.length };
}
