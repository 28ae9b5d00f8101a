import { type Calibration, type Prediction, applyConfidenceMap } from "./prediction";
import { type Taxonomy, likelyAncestors } from "./taxonomy";

const xlogx = (v: number) => (v > 0 ? v * Math.log(v) : 0);

/**
 * Predictions from raw logit rows in plain TypeScript: the same results as the tfjs path
 * (`predictionsFromLogits`: calibrated log-softmax, top-k, entropy, top-label map) within float
 * rounding, without a tensor per batch. Probabilities are rounded to float32 as tfjs returns them.
 */
export function predictionsFromRows(
  Z: Float32Array,
  n: number,
  C: number,
  cal: Calibration,
  topK: number,
  embeddings?: Float32Array,
  dim = 0,
  taxonomy?: Taxonomy,
): Prediction[] {
  if (taxonomy && taxonomy.numClasses !== C)
    throw new Error(`taxonomy has ${taxonomy.numClasses} categories, the model ${C}`);
  const probs = taxonomy ? new Float64Array(C) : null;
  const k = Math.max(1, Math.min(C, Math.max(topK, 2)));
  const shown = Math.max(1, Math.min(topK, C));
  const invT = 1 / cal.temperature;
  const bias = cal.bias && cal.bias.length === C ? cal.bias : null;
  const z = new Float64Array(C);
  const e = new Float64Array(C);
  const topIdx = new Int32Array(k);
  const out: Prediction[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * C;
    let mx = -Infinity;
    for (let c = 0; c < C; c++) {
      const v = (Z[o + c] as number) * invT + (bias ? (bias[c] as number) : 0);
      z[c] = v;
      if (v > mx) mx = v;
    }
    // One exp per class: e[c] = e^(z − max); p = e / Σe; H = −Σ p log p = lse − Σ p·z.
    let sum = 0;
    let ez = 0;
    for (let c = 0; c < C; c++) {
      const v = Math.exp((z[c] as number) - mx);
      e[c] = v;
      sum += v;
      ez += v * (z[c] as number);
    }
    const lse = mx + Math.log(sum);
    const pz = ez / sum;
    topIndices(z, C, topIdx);
    const vals: number[] = new Array(k);
    for (let j = 0; j < k; j++) vals[j] = Math.fround((e[topIdx[j] as number] as number) / sum);
    let entropy = Math.max(0, Math.fround(lse - pz));
    if (cal.confidenceMap) entropy = remapTopRow(vals, entropy, cal.confidenceMap);
    const top: Prediction["top"] = [];
    for (let j = 0; j < shown; j++) top.push({ classIndex: topIdx[j] as number, prob: vals[j] as number });
    const p1 = vals[0] as number;
    const p2 = k > 1 ? (vals[1] as number) : 0;
    const pred: Prediction = { top, confidence: p1, margin: Math.max(0, p1 - p2), entropy };
    if (embeddings) pred.embedding = normalisedRow(embeddings, i * dim, dim);
    if (probs && taxonomy) {
      // The calibrated distribution the top-k came from (after the top-label map, if any).
      const p0 = Math.fround((e[topIdx[0] as number] as number) / sum);
      const s = cal.confidenceMap && p0 < 1 ? (1 - (vals[0] as number)) / (1 - p0) : 1;
      for (let c = 0; c < C; c++) probs[c] = ((e[c] as number) / sum) * s;
      probs[topIdx[0] as number] = vals[0] as number;
      pred.ancestors = likelyAncestors(probs, taxonomy);
    }
    out[i] = pred;
  }
  return out;
}

/** Indices of the k largest values, largest first; ties keep the lower index first (as tf.topk). */
function topIndices(z: Float64Array, C: number, out: Int32Array): void {
  const k = out.length;
  let filled = 0;
  for (let c = 0; c < C; c++) {
    const v = z[c] as number;
    if (filled === k && v <= (z[out[k - 1] as number] as number)) continue;
    let j = filled < k ? filled++ : k - 1;
    while (j > 0 && v > (z[out[j - 1] as number] as number)) {
      out[j] = out[j - 1] as number;
      j--;
    }
    out[j] = c;
  }
}

/** The top-label map on one row (the same arithmetic as prediction.ts's remapTop). */
function remapTopRow(vals: number[], entropy: number, map: { x: number[]; y: number[] }): number {
  const p = vals[0] as number;
  const q = Math.min(1, Math.max(0, applyConfidenceMap(p, map)));
  const s = p < 1 ? (1 - q) / (1 - p) : 0;
  vals[0] = q;
  for (let j = 1; j < vals.length; j++) vals[j] = (vals[j] as number) * s;
  return Math.max(0, -xlogx(q) + s * (entropy + xlogx(p)) - (s > 0 ? (1 - q) * Math.log(s) : 0));
}

function normalisedRow(v: Float32Array, o: number, dim: number): Float32Array {
  let s = 0;
  for (let i = 0; i < dim; i++) s += (v[o + i] as number) ** 2;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) out[i] = (v[o + i] as number) * inv;
  return out;
}
