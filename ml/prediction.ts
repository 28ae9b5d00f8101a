import * as tf from "@tensorflow/tfjs";

export type Prediction = {
  /** Best categories first, with calibrated probabilities. */
  top: { classIndex: number; prob: number }[];
  /** Calibrated probability of the top category. */
  confidence: number;
  /** top-1 minus top-2 probability (1 when there is a single class). */
  margin: number;
  /** Shannon entropy (nats) of the calibrated distribution. */
  entropy: number;
  /** L2-normalised item embedding, for nearest-neighbour similarity. */
  embedding?: Float32Array;
  /**
   * With a taxonomy: the most likely ancestor at each level above the leaves, top level first,
   * its probability the sum over its categories (calibrated).
   */
  ancestors?: { path: string; depth: number; prob: number }[];
};

/** Post-hoc calibration of logits: softmax(logits / temperature + bias). */
export type Calibration = {
  method: "none" | "temperature" | "temperature+bias" | "temperature+isotonic";
  temperature: number;
  /** Per-class additive bias after scaling (only for "temperature+bias"). */
  bias?: number[];
  /**
   * Top-label isotonic map (knots, x and y increasing): the top class's
   * probability p becomes map(p); the other classes share 1 − map(p) in
   * their old proportions. Temperature alone cannot fix a confidence curve
   * that is not a pure scale error; this can.
   */
  confidenceMap?: { x: number[]; y: number[] };
};

/** Piecewise-linear interpolation through the knots, clamped at the ends. */
export function applyConfidenceMap(p: number, map: { x: number[]; y: number[] }): number {
  const { x, y } = map;
  const n = x.length;
  if (n === 0) return p;
  if (p <= (x[0] as number)) return y[0] as number;
  if (p >= (x[n - 1] as number)) return y[n - 1] as number;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((x[mid] as number) <= p) lo = mid;
    else hi = mid;
  }
  const x0 = x[lo] as number;
  const x1 = x[hi] as number;
  const t = x1 > x0 ? (p - x0) / (x1 - x0) : 0;
  return (y[lo] as number) + t * ((y[hi] as number) - (y[lo] as number));
}

/** Re-maps a top-k row in place for the top-label map; returns the new entropy. */
function remapTop(vals: number[], entropy: number, map: { x: number[]; y: number[] }): number {
  const p = vals[0] as number;
  const q = Math.min(1, Math.max(0, applyConfidenceMap(p, map)));
  const s = p < 1 ? (1 - q) / (1 - p) : 0;
  vals[0] = q;
  for (let j = 1; j < vals.length; j++) vals[j] = (vals[j] as number) * s;
  // H' = −q log q + s·(H + p log p) − (1 − q) log s, from scaling the non-top mass by s.
  const xlogx = (v: number) => (v > 0 ? v * Math.log(v) : 0);
  return Math.max(0, -xlogx(q) + s * (entropy + xlogx(p)) - (s > 0 ? (1 - q) * Math.log(s) : 0));
}

export const IDENTITY_CALIBRATION: Calibration = { method: "none", temperature: 1 };

/** Calibrated log-probabilities; call inside tf.tidy. */
export function calibratedLogProbs(logits: tf.Tensor2D, cal: Calibration): tf.Tensor2D {
  let z: tf.Tensor2D = tf.div(logits, tf.scalar(cal.temperature));
  if (cal.bias && cal.bias.length === logits.shape[1]) z = tf.add(z, tf.tensor1d(cal.bias));
  return tf.logSoftmax(z);
}

/** Turns a batch of logits into Prediction objects; all tensors are released. */
export function predictionsFromLogits(
  logits: tf.Tensor2D,
  cal: Calibration,
  topK: number,
  embeddings?: Float32Array,
  dim = 0,
): Prediction[] {
  const [n, c] = logits.shape;
  const k = Math.max(1, Math.min(c, Math.max(topK, 2)));
  const [vals, idx, ent] = tf.tidy(() => {
    const logp = calibratedLogProbs(logits, cal);
    const p = tf.exp(logp);
    const { values, indices } = tf.topk(p, k);
    const entropy = tf.neg(tf.sum(tf.mul(p, logp), 1));
    return [values, indices, entropy];
  });
  const v = vals.dataSync() as Float32Array;
  const ix = idx.dataSync();
  const e = ent.dataSync();
  tf.dispose([vals, idx, ent]);
  const out: Prediction[] = new Array(n);
  const shown = Math.max(1, Math.min(topK, c));
  for (let i = 0; i < n; i++) {
    const row = Array.from(v.subarray(i * k, (i + 1) * k));
    let entropy = Math.max(0, e[i] as number);
    if (cal.confidenceMap) entropy = remapTop(row, entropy, cal.confidenceMap);
    const top: Prediction["top"] = [];
    for (let j = 0; j < shown; j++) top.push({ classIndex: ix[i * k + j] as number, prob: row[j] as number });
    const p1 = row[0] as number;
    const p2 = k > 1 ? (row[1] as number) : 0;
    const pred: Prediction = { top, confidence: p1, margin: Math.max(0, p1 - p2), entropy };
    if (embeddings) pred.embedding = normalised(embeddings.subarray(i * dim, (i + 1) * dim));
    out[i] = pred;
  }
  return out;
}

function normalised(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] as number) ** 2;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = (v[i] as number) * inv;
  return out;
}

/** Predictions from stored logits (e.g. out-of-fold logits) under a calibration. */
export function predictionsFromLogitArray(
  logits: Float32Array,
  numClasses: number,
  cal: Calibration,
  topK = 1,
): Prediction[] {
  const t = tf.tensor2d(logits, [logits.length / numClasses, numClasses]);
  try {
    return predictionsFromLogits(t, cal, topK);
  } finally {
    t.dispose();
  }
}
