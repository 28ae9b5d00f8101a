import * as tf from "@tensorflow/tfjs";
import { type Calibration, applyConfidenceMap, calibratedLogProbs } from "./prediction";

export type ReliabilityBin = { lower: number; upper: number; count: number; meanConfidence: number; accuracy: number };

/** Equal-width confidence bins with their mean confidence and accuracy. */
export function reliabilityDiagram(
  confidences: ArrayLike<number>,
  correct: ArrayLike<boolean | number>,
  bins = 15,
): ReliabilityBin[] {
  const out: ReliabilityBin[] = Array.from({ length: bins }, (_, b) => ({
    lower: b / bins,
    upper: (b + 1) / bins,
    count: 0,
    meanConfidence: 0,
    accuracy: 0,
  }));
  for (let i = 0; i < confidences.length; i++) {
    const c = confidences[i] as number;
    const bin = out[Math.min(bins - 1, Math.max(0, Math.ceil(c * bins) - 1))] as ReliabilityBin;
    bin.count++;
    bin.meanConfidence += c;
    bin.accuracy += correct[i] ? 1 : 0;
  }
  for (const b of out) {
    if (b.count > 0) {
      b.meanConfidence /= b.count;
      b.accuracy /= b.count;
    }
  }
  return out;
}

/** ECE: count-weighted mean |accuracy − confidence| over equal-width bins (15 by default). */
export function expectedCalibrationError(
  confidences: ArrayLike<number>,
  correct: ArrayLike<boolean | number>,
  bins = 15,
): number {
  const n = confidences.length;
  if (n === 0) return 0;
  return reliabilityDiagram(confidences, correct, bins).reduce(
    (s, b) => s + (b.count / n) * Math.abs(b.accuracy - b.meanConfidence),
    0,
  );
}

export type CalibrationMethod = "temperature" | "temperature+bias" | "temperature+isotonic";

export type CalibrationFit = {
  calibration: Calibration;
  nllBefore: number;
  nllAfter: number;
  eceBefore: number;
  eceAfter: number;
  reliabilityBefore: ReliabilityBin[];
  reliabilityAfter: ReliabilityBin[];
};

export type FitCalibrationArgs = {
  /** Raw logits, row-major [n × numClasses] (TrainedModel.logits). */
  logits: Float32Array;
  labels: ArrayLike<number>;
  numClasses: number;
  /** "temperature" (default) or temperature plus a per-class bias (L2-regularised). */
  method?: CalibrationMethod;
  bins?: number;
  /** L2 weight on the per-class bias. */
  biasL2?: number;
};

/** Top-1 confidence and correctness under a calibration, computed in tensors. */
export function confidenceAndCorrect(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  cal: Calibration,
): { conf: Float32Array; correct: Uint8Array; nll: number } {
  const [conf, pred, nll] = tf.tidy(() => {
    const logp = calibratedLogProbs(logits, cal);
    const y = tf.oneHot(labels, logits.shape[1]);
    return [tf.exp(tf.max(logp, 1)), tf.argMax(logp, 1), tf.neg(tf.mean(tf.sum(tf.mul(y, logp), 1)))];
  });
  const c = conf.dataSync() as Float32Array;
  if (cal.confidenceMap)
    for (let i = 0; i < c.length; i++) c[i] = applyConfidenceMap(c[i] as number, cal.confidenceMap);
  const p = pred.dataSync();
  const l = labels.dataSync();
  const nllV = nll.dataSync()[0] as number;
  tf.dispose([conf, pred, nll]);
  return { conf: c, correct: Uint8Array.from(p, (v, i) => (v === l[i] ? 1 : 0)), nll: nllV };
}

/**
 * Pool-adjacent-violators fit of P(correct | confidence), as knots at each
 * block's mean confidence. Blocks smaller than `minBlock` are merged with a
 * neighbour so the map is not fitted to a handful of items.
 */
export function isotonicMap(
  conf: ArrayLike<number>,
  correct: ArrayLike<boolean | number>,
  minBlock = 50,
): { x: number[]; y: number[] } {
  const order = Array.from({ length: conf.length }, (_, i) => i).sort(
    (a, b) => (conf[a] as number) - (conf[b] as number),
  );
  type Block = { sx: number; sy: number; n: number };
  const blocks: Block[] = [];
  for (const i of order) {
    blocks.push({ sx: conf[i] as number, sy: correct[i] ? 1 : 0, n: 1 });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1] as Block;
      const a = blocks[blocks.length - 2] as Block;
      if (a.sy / a.n < b.sy / b.n && a.n >= minBlock) break;
      blocks.splice(-2, 2, { sx: a.sx + b.sx, sy: a.sy + b.sy, n: a.n + b.n });
    }
  }
  return { x: blocks.map((b) => b.sx / b.n), y: blocks.map((b) => b.sy / b.n) };
}

/** Golden-section search for the temperature minimising NLL (log-T in [1/20, 20]). */
function fitTemperature(logits: tf.Tensor2D, y: tf.Tensor2D): number {
  const nll = (logT: number) =>
    tf.tidy(() => {
      const logp = tf.logSoftmax(tf.div(logits, tf.scalar(Math.exp(logT))));
      return -(tf.mean(tf.sum(tf.mul(y, logp), 1)).dataSync()[0] as number);
    });
  let a = Math.log(0.05);
  let b = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = nll(c);
  let fd = nll(d);
  for (let i = 0; i < 40; i++) {
    if (fc < fd) {
      [b, d, fd] = [d, c, fc];
      c = b - g * (b - a);
      fc = nll(c);
    } else {
      [a, c, fc] = [c, d, fd];
      d = a + g * (b - a);
      fd = nll(d);
    }
  }
  return Math.exp((a + b) / 2);
}

/** Per-class bias after temperature scaling, fitted with Adam on NLL + L2. */
function fitBias(logits: tf.Tensor2D, y: tf.Tensor2D, temperature: number, l2: number): number[] {
  const bias = tf.variable(tf.zeros([logits.shape[1]]));
  const opt = tf.train.adam(0.05);
  const scaled = tf.div(logits, tf.scalar(temperature));
  for (let step = 0; step < 150; step++) {
    tf.tidy(() => {
      opt.minimize(() => {
        const logp = tf.logSoftmax(tf.add(scaled, bias));
        return tf.add(
          tf.neg(tf.mean(tf.sum(tf.mul(y, logp), 1))),
          tf.mul(tf.scalar(l2), tf.sum(tf.square(bias))),
        ) as tf.Scalar;
      });
    });
  }
  const out = Array.from(bias.dataSync());
  tf.dispose([bias, scaled]);
  opt.dispose();
  return out;
}

/**
 * Fits post-hoc calibration on a held-out, randomly drawn calibration split.
 * ECE/reliability figures are on that same split (in-sample for "after").
 */
export function fitCalibration(args: FitCalibrationArgs): CalibrationFit {
  const n = args.labels.length;
  if (args.logits.length !== n * args.numClasses) throw new Error("fitCalibration: logits size != labels × numClasses");
  if (n === 0) throw new Error("fitCalibration: no calibration items");
  const bins = args.bins ?? 15;
  const logits = tf.tensor2d(args.logits, [n, args.numClasses]);
  const labels = tf.tensor1d(Int32Array.from(args.labels), "int32");
  const y = tf.tidy(() => tf.oneHot(labels, args.numClasses).toFloat()) as tf.Tensor2D;
  try {
    const identity: Calibration = { method: "none", temperature: 1 };
    const temperature = fitTemperature(logits, y);
    const cal: Calibration = { method: "temperature", temperature };
    if (args.method === "temperature+bias") {
      cal.method = "temperature+bias";
      cal.bias = fitBias(logits, y, temperature, args.biasL2 ?? 1e-3);
    }
    if (args.method === "temperature+isotonic") {
      const scaled = confidenceAndCorrect(logits, labels, cal);
      cal.method = "temperature+isotonic";
      cal.confidenceMap = isotonicMap(scaled.conf, scaled.correct);
    }
    const before = confidenceAndCorrect(logits, labels, identity);
    const after = confidenceAndCorrect(logits, labels, cal);
    return {
      calibration: cal,
      nllBefore: before.nll,
      nllAfter: after.nll,
      eceBefore: expectedCalibrationError(before.conf, before.correct, bins),
      eceAfter: expectedCalibrationError(after.conf, after.correct, bins),
      reliabilityBefore: reliabilityDiagram(before.conf, before.correct, bins),
      reliabilityAfter: reliabilityDiagram(after.conf, after.correct, bins),
    };
  } finally {
    tf.dispose([logits, labels, y]);
  }
}
