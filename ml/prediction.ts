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
};

/** Post-hoc calibration of logits: softmax(logits / temperature + bias). */
export type Calibration = {
  method: "none" | "temperature" | "temperature+bias";
  temperature: number;
  /** Per-class additive bias after scaling (only for "temperature+bias"). */
  bias?: number[];
};

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
  const v = vals.dataSync();
  const ix = idx.dataSync();
  const e = ent.dataSync();
  tf.dispose([vals, idx, ent]);
  const out: Prediction[] = new Array(n);
  const shown = Math.max(1, Math.min(topK, c));
  for (let i = 0; i < n; i++) {
    const top: Prediction["top"] = [];
    for (let j = 0; j < shown; j++) top.push({ classIndex: ix[i * k + j] as number, prob: v[i * k + j] as number });
    const p1 = v[i * k] as number;
    const p2 = k > 1 ? (v[i * k + 1] as number) : 0;
    const pred: Prediction = { top, confidence: p1, margin: p1 - p2, entropy: Math.max(0, e[i] as number) };
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
