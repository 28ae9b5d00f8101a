/**
 * Calibration and certification on random-sample evidence, kept apart so the certificate is
 * honest: the evidence (gold items) is split by a fixed hash of the item into a part that fits
 * the calibration and a part that certifies the threshold, so no certifying label has shaped the
 * confidences it certifies. One global threshold is certified, by the fixed-sequence scan of
 * ml/thresholds.ts, on calibrated confidence: the calibration's per-class terms are what let
 * classes differ, without choosing a scheme after looking at the certifying labels.
 */
import { fitCalibration as fitOnLogits } from "./calibration";
import { fitBestCalibration } from "./calibration-select";
import { certifyEvidence } from "./certification";
import { type Calibration, IDENTITY_CALIBRATION, predictionsFromLogitArray } from "./prediction";
import { mulberry32Value } from "./rng";
import type { Thresholds } from "./thresholds";

/** Share of the evidence that certifies; the rest (with any other held-out labels) fits the calibration. */
export const CERTIFICATION_SHARE = 0.7;

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

/** Whether an evidence item certifies (else it fits the calibration). */
export const certifies = (id: number, seed: number): boolean => evidenceShare(id, seed) < CERTIFICATION_SHARE;

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
 * Calibration fitted on the non-certifying evidence (plus `fitExtra`, other held-out labels),
 * threshold certified on the certifying evidence: what training and recalibration do, on logits
 * (the benchmark's way in; the product goes through a model scorer with the same rules).
 */
export function calibrateAndCertify(a: {
  ids: readonly number[];
  logits: Float32Array;
  labels: readonly number[];
  numClasses: number;
  targetPrecision: number;
  seed: number;
  fitExtra?: { logits: Float32Array; labels: readonly number[] };
}): CertifiedCalibration {
  const k = a.numClasses;
  const fitRows: number[] = [];
  const certRows: number[] = [];
  a.ids.forEach((id, i) => (certifies(id, a.seed) ? certRows : fitRows).push(i));
  const extra = a.fitExtra?.labels.length ?? 0;
  const fitLogits = new Float32Array((fitRows.length + extra) * k);
  fitRows.forEach((r, j) => fitLogits.set(a.logits.subarray(r * k, (r + 1) * k), j * k));
  if (a.fitExtra) fitLogits.set(a.fitExtra.logits, fitRows.length * k);
  const fitLabels = [...fitRows.map((r) => a.labels[r]!), ...(a.fitExtra?.labels ?? [])];
  const calibration = calibrationOnLogits(fitLogits, fitLabels, k, fittingFor(fitLabels.length));
  const certLogits = new Float32Array(certRows.length * k);
  certRows.forEach((r, j) => certLogits.set(a.logits.subarray(r * k, (r + 1) * k), j * k));
  const preds = certRows.length ? predictionsFromLogitArray(certLogits, k, calibration) : [];
  const predicted = preds.map((p) => p.top[0]?.classIndex ?? -1);
  const thresholds = certifyEvidence(
    {
      numClasses: k,
      confidence: preds.map((p) => p.confidence),
      predicted,
      correct: predicted.map((c, j) => (c === a.labels[certRows[j]!] ? 1 : 0)),
    },
    a.targetPrecision,
  );
  return { calibration, thresholds, fitted: fitLabels.length, certifiedOn: certRows.length };
}
