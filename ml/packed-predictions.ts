import type { Prediction } from "./prediction";

/** Predictions as flat typed arrays: cheap to post between threads. */
export type PackedPredictions = {
  n: number;
  k: number;
  dim: number;
  classIndex: Int32Array;
  prob: Float32Array;
  stats: Float64Array; // confidence, margin, entropy per item (margin is a float64 difference)
  embedding: Float32Array;
  /** Per item, when scored with a taxonomy: its likely ancestors (a few small objects; structured-cloned). */
  ancestors?: NonNullable<Prediction["ancestors"]>[];
  buffers: ArrayBuffer[];
};

export function packPredictions(preds: Prediction[], topK: number, dim: number): PackedPredictions {
  const n = preds.length;
  const k = Math.max(1, topK);
  const classIndex = new Int32Array(n * k).fill(-1);
  const prob = new Float32Array(n * k);
  const stats = new Float64Array(n * 3);
  const embedding = new Float32Array(n * dim);
  preds.forEach((p, i) => {
    p.top.slice(0, k).forEach((t, j) => {
      classIndex[i * k + j] = t.classIndex;
      prob[i * k + j] = t.prob;
    });
    stats.set([p.confidence, p.margin, p.entropy], i * 3);
    if (dim && p.embedding) embedding.set(p.embedding, i * dim);
  });
  const withAncestors = preds.some((p) => p.ancestors !== undefined);
  return {
    n,
    k,
    dim,
    classIndex,
    prob,
    stats,
    embedding,
    ...(withAncestors ? { ancestors: preds.map((p) => p.ancestors ?? []) } : {}),
    buffers: [classIndex.buffer, prob.buffer, stats.buffer, embedding.buffer] as ArrayBuffer[],
  };
}

export function unpackPredictions(p: PackedPredictions): Prediction[] {
  const out: Prediction[] = new Array(p.n);
  for (let i = 0; i < p.n; i++) {
    const top: Prediction["top"] = [];
    for (let j = 0; j < p.k; j++) {
      const c = p.classIndex[i * p.k + j] as number;
      if (c >= 0) top.push({ classIndex: c, prob: p.prob[i * p.k + j] as number });
    }
    const pred: Prediction = {
      top,
      confidence: p.stats[i * 3] as number,
      margin: p.stats[i * 3 + 1] as number,
      entropy: p.stats[i * 3 + 2] as number,
    };
    if (p.dim) pred.embedding = p.embedding.slice(i * p.dim, (i + 1) * p.dim);
    const anc = p.ancestors?.[i];
    if (anc) pred.ancestors = anc;
    out[i] = pred;
  }
  return out;
}
