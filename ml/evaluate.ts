import { expectedCalibrationError } from "./calibration";

export type ClassFigures = { precision: number; recall: number; f1: number; support: number; predicted: number };
export type Confusion = { actual: number; predicted: number; count: number };

export type CoverageAtTarget = {
  targetPrecision: number;
  /** Best coverage with precision ≥ target, threshold chosen on this same set (an oracle figure). */
  oracleCoverage: number;
  oracleThreshold: number | null;
};

export type Evaluation = {
  n: number;
  accuracy: number;
  macroF1: number;
  perClass: ClassFigures[];
  /** Off-diagonal confusions, most frequent first (all of them: the matrix is sparse). */
  topConfusions: Confusion[];
  ece?: number;
  coverageAtTarget?: CoverageAtTarget;
};

export type EvaluateArgs = {
  predicted: ArrayLike<number>;
  labels: ArrayLike<number>;
  numClasses: number;
  confidences?: ArrayLike<number>;
  targetPrecision?: number;
};

/** Highest coverage whose accepted set has empirical precision ≥ target on these very labels. */
export function oracleCoverage(
  confidences: ArrayLike<number>,
  correct: ArrayLike<boolean | number>,
  target: number,
): CoverageAtTarget {
  const order = Array.from({ length: confidences.length }, (_, i) => i).sort(
    (a, b) => (confidences[b] as number) - (confidences[a] as number),
  );
  let ok = 0;
  let best = { oracleCoverage: 0, oracleThreshold: null as number | null };
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    if (correct[i]) ok++;
    const next = order[k + 1];
    if (next !== undefined && confidences[next] === confidences[i]) continue;
    if (ok / (k + 1) >= target)
      best = { oracleCoverage: (k + 1) / order.length, oracleThreshold: confidences[i] as number };
  }
  return { targetPrecision: target, ...best };
}

function perClassFigures(tp: Float64Array, support: Float64Array, predicted: Float64Array): ClassFigures[] {
  return Array.from(tp, (t, c) => {
    const s = support[c] as number;
    const p = predicted[c] as number;
    const precision = p > 0 ? t / p : 0;
    const recall = s > 0 ? t / s : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1, support: s, predicted: p };
  });
}

/** Accuracy, macro-F1 (over classes present in labels or predictions), per-class figures, confusions, ECE, oracle coverage. */
export function evaluate(args: EvaluateArgs): Evaluation {
  const n = args.labels.length;
  if (args.predicted.length !== n) throw new Error("evaluate: predicted and labels differ in length");
  const k = args.numClasses;
  const tp = new Float64Array(k);
  const support = new Float64Array(k);
  const predicted = new Float64Array(k);
  const conf = new Map<number, number>();
  const correct = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const y = args.labels[i] as number;
    const p = args.predicted[i] as number;
    support[y]! += 1;
    predicted[p]! += 1;
    if (y === p) {
      tp[y]! += 1;
      correct[i] = 1;
    } else conf.set(y * k + p, (conf.get(y * k + p) ?? 0) + 1);
  }
  const perClass = perClassFigures(tp, support, predicted);
  const active = perClass.filter((c) => c.support > 0 || c.predicted > 0);
  const res: Evaluation = {
    n,
    accuracy: n > 0 ? correct.reduce((s, c) => s + c, 0) / n : 0,
    macroF1: active.length ? active.reduce((s, c) => s + c.f1, 0) / active.length : 0,
    perClass,
    topConfusions: [...conf]
      .map(([key, count]) => ({ actual: Math.floor(key / k), predicted: key % k, count }))
      .sort((a, b) => b.count - a.count),
  };
  if (args.confidences) {
    res.ece = expectedCalibrationError(args.confidences, correct);
    if (args.targetPrecision !== undefined)
      res.coverageAtTarget = oracleCoverage(args.confidences, correct, args.targetPrecision);
  }
  return res;
}
