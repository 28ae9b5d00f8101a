import { type SparseBatch, addDense } from "./features";

/**
 * The hashed-n-gram embedding table, kept as a plain Float32Array.
 *
 * Why not a tf.Variable: tfjs derives the gradient of gather/embedding from
 * UnsortedSegmentSum (missing on wasm, a loop over every row on cpu), and any
 * dense optimiser touches all buckets×dim weights per step. Here the bag
 * (weighted mean of rows) is a cheap gather, and the update is a sparse
 * Adagrad step over only the rows the batch touched, so a step costs
 * O(batch nnz × dim) whatever the table size. The dense part of the model
 * (hidden layer, softmax, calibration) runs in tfjs.
 */
export class EmbeddingTable {
  readonly rows: number;
  readonly dim: number;
  readonly data: Float32Array;
  /** Adagrad squared-gradient sums, allocated on first update. */
  private accum: Float32Array | null = null;

  constructor(rows: number, dim: number, data?: Float32Array) {
    if (data && data.length !== rows * dim) throw new Error(`table size ${data.length} != ${rows}×${dim}`);
    this.rows = rows;
    this.dim = dim;
    // Zero init: n-grams never seen in training contribute nothing at inference,
    // and untouched rows need not be stored when the model is serialised.
    this.data = data ?? new Float32Array(rows * dim);
  }

  clone(): EmbeddingTable {
    return new EmbeddingTable(this.rows, this.dim, this.data.slice());
  }

  /** Weighted mean of rows per item → Float32Array [n × dim]. */
  bag(batch: SparseBatch, out?: Float32Array): Float32Array {
    const n = batch.offsets.length - 1;
    const d = this.dim;
    const res = out ?? new Float32Array(n * d);
    res.fill(0, 0, n * d);
    const { offsets, ids, weights } = batch;
    const tab = this.data;
    for (let i = 0; i < n; i++) {
      const o = i * d;
      for (let p = offsets[i] as number, e = offsets[i + 1] as number; p < e; p++) {
        const r = (ids[p] as number) * d;
        const w = weights[p] as number;
        for (let k = 0; k < d; k++) res[o + k] = (res[o + k] as number) + w * (tab[r + k] as number);
      }
    }
    addDense(batch, res, d);
    return res;
  }

  /** Sparse Adagrad: row grad = item weight × dLoss/dBag, applied per occurrence. */
  adagradStep(batch: SparseBatch, gradBag: Float32Array, lr: number, eps = 1e-8): void {
    this.accum ??= new Float32Array(this.data.length);
    const acc = this.accum;
    const tab = this.data;
    const d = this.dim;
    const { offsets, ids, weights } = batch;
    const n = offsets.length - 1;
    for (let i = 0; i < n; i++) {
      const o = i * d;
      for (let p = offsets[i] as number, e = offsets[i + 1] as number; p < e; p++) {
        const r = (ids[p] as number) * d;
        const w = weights[p] as number;
        for (let k = 0; k < d; k++) {
          const g = w * (gradBag[o + k] as number);
          const a = (acc[r + k] as number) + g * g;
          acc[r + k] = a;
          tab[r + k] = (tab[r + k] as number) - (lr * g) / (Math.sqrt(a) + eps);
        }
      }
    }
  }

  /**
   * Row-wise Adagrad: one squared-gradient sum per row (mean of g² over the row), so the step is
   * a scaled axpy without a square root per weight, and the optimiser state is rows floats, not
   * rows × dim. Per occurrence, in order: acc[r] += w² · mean(gBag²); row −= lr · w · gBag / (√acc[r] + eps).
   */
  adagradStepRowwise(batch: SparseBatch, gradBag: Float32Array, lr: number, eps = 1e-8): void {
    if (!this.accum || this.accum.length !== this.rows) this.accum = new Float32Array(this.rows);
    const acc = this.accum;
    const tab = this.data;
    const d = this.dim;
    const { offsets, ids, weights } = batch;
    const n = offsets.length - 1;
    for (let i = 0; i < n; i++) {
      const o = i * d;
      let ss = 0;
      for (let k = 0; k < d; k++) ss += (gradBag[o + k] as number) ** 2;
      const meanSq = ss / d;
      for (let p = offsets[i] as number, e = offsets[i + 1] as number; p < e; p++) {
        const id = ids[p] as number;
        const w = weights[p] as number;
        const a = (acc[id] as number) + w * w * meanSq;
        acc[id] = a;
        const scale = (lr * w) / (Math.sqrt(a) + eps);
        const r = id * d;
        for (let k = 0; k < d; k++) tab[r + k] = (tab[r + k] as number) - scale * (gradBag[o + k] as number);
      }
    }
  }

  /** Drops optimiser state (after training, to free memory). */
  releaseOptimizerState(): void {
    this.accum = null;
  }
}
