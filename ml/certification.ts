/**
 * Certification evidence and the one rule applied to it. Training and recalibration certify thresholds with
 * `certifyEvidence`, store the evidence beside the thresholds, and the settings page previews another target by
 * calling the same function on that stored evidence, so the preview cannot promise what certification refuses.
 * Pure and free of tfjs, so the browser bundle can import it.
 */
import { certificationMinimum, selectThresholds, type Thresholds } from "./thresholds";

export const CONFIDENCE_LEVEL = 0.95;

/** The scored random-sample items thresholds were certified on, as parallel arrays (compact in jsonb). */
export type CertificationEvidence = {
  numClasses: number;
  confidence: number[];
  predicted: number[];
  /** 1 when the prediction matched the item's category, else 0. */
  correct: number[];
};

export function toEvidence(
  scored: readonly { confidence: number; predicted: number; correct: boolean }[],
  numClasses: number,
): CertificationEvidence {
  return {
    numClasses,
    confidence: scored.map((s) => s.confidence),
    predicted: scored.map((s) => s.predicted),
    correct: scored.map((s) => (s.correct ? 1 : 0)),
  };
}

/** Parses stored evidence; null for anything else (calibrations stored before evidence was kept). */
export function readEvidence(raw: unknown): CertificationEvidence | null {
  if (typeof raw !== "object" || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const nums = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === "number");
  if (typeof r.numClasses !== "number" || !nums(r.confidence) || !nums(r.predicted) || !nums(r.correct)) return null;
  const n = r.confidence.length;
  if (r.predicted.length !== n || r.correct.length !== n) return null;
  return { numClasses: r.numClasses, confidence: r.confidence, predicted: r.predicted, correct: r.correct };
}

/**
 * The thresholds certification grants at `targetPrecision` on this evidence: one global threshold on calibrated
 * confidence, by the fixed-sequence scan at 95%. Never a scheme picked after seeing which accepts more (per-class
 * or global, each at 95%, the larger kept): that choice made the guarantee weaker than it said.
 */
export function certifyEvidence(e: CertificationEvidence, targetPrecision: number): Thresholds {
  return selectThresholds({
    confidences: e.confidence,
    predicted: e.predicted,
    correct: e.correct,
    numClasses: e.numClasses,
    targetPrecision,
    confidenceLevel: CONFIDENCE_LEVEL,
    mode: "global",
  });
}

export type CertificationPreview = {
  /** Evidence items. */
  n: number;
  /** The fewest evidence items on which anything can be certified at this target. */
  needed: number;
  tooSmall: boolean;
  thresholds: Thresholds;
  /** Share of the evidence the certified thresholds accept, and how many of those are right. */
  coverage: number;
  accepted: number;
  precision: number | null;
};

/** What certification would grant at `targetPrecision` on this evidence, and whether the evidence can certify at all. */
export function previewCertification(e: CertificationEvidence, targetPrecision: number): CertificationPreview {
  const thresholds = certifyEvidence(e, targetPrecision);
  const n = e.confidence.length;
  let accepted = 0;
  let right = 0;
  for (let i = 0; i < n; i++) {
    const t = thresholds.perClass[e.predicted[i] as number];
    if (t === null || t === undefined || (e.confidence[i] as number) < t) continue;
    accepted++;
    if (e.correct[i]) right++;
  }
  const needed = certificationMinimum(targetPrecision, CONFIDENCE_LEVEL).perfectRecord;
  return {
    n,
    needed,
    tooSmall: n < needed,
    thresholds,
    coverage: n ? accepted / n : 0,
    accepted,
    precision: accepted ? right / accepted : null,
  };
}
