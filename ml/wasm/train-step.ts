import type { Arena } from "./arena";
import type { TrainLayout } from "./train-layout";

export type StepRates = { lr: number; headLr: number };

const BETA1 = 0.9;
const BETA2 = 0.999;
/** tfjs's float32 epsilon, which its Adam uses by default. */
const ADAM_EPS = 1e-7;
const ADAGRAD_EPS = 1e-8;

/**
 * One thread's view of a training run: the same mini-batch step as the tfjs reference
 * (train.ts) — bag, logits, class-weighted softmax cross-entropy, Adam on the head, sparse
 * Adagrad on the touched rows — with the vector loops in SIMD kernels and the softmax in JS.
 */
export class TrainStepper {
  private readonly a: Arena;
  private readonly L: TrainLayout;
  private readonly s: TrainLayout["scratch"][number];
  private readonly order: Int32Array;
  private readonly labels: Int32Array;
  private readonly weights: Float32Array;
  private readonly Z: Float32Array;
  private readonly G: Float32Array;
  private readonly grad: Float32Array;
  private readonly bag: Arena["k"]["bag"];
  private readonly adagrad: Arena["k"]["adagrad"];
  /** Adam steps taken (bias correction); Hogwild threads count every thread's steps. */
  steps = 0;

  constructor(arena: Arena, layout: TrainLayout, thread: number) {
    this.a = arena;
    this.L = layout;
    const s = layout.scratch[thread];
    if (!s) throw new Error(`no scratch for thread ${thread}`);
    this.s = s;
    this.order = arena.i32(layout.order, layout.n);
    this.labels = arena.i32(layout.labels, layout.n);
    this.weights = arena.f32(layout.weights, layout.n);
    this.Z = arena.f32(s.Z, layout.batch * layout.classes);
    this.G = arena.f32(s.G, layout.batch * layout.classes);
    this.grad = arena.f32(s.grad, layout.paramFloats);
    const by16 = layout.rb % 64 === 0;
    this.bag = by16 ? arena.k.bag16 : arena.k.bag;
    this.adagrad = !layout.rowwise ? arena.k.adagrad : by16 ? arena.k.adagradRow16 : arena.k.adagradRow;
  }

  /** One optimiser step over order[j0..j1) (at most `batch` items); returns the batch loss. */
  step(j0: number, j1: number, rates: StepRates, stepIncrement = 1): number {
    const { a, L, s } = this;
    const m = j1 - j0;
    const C = L.classes;
    const W = L.params;
    const b = L.params + C * L.dim * 4;
    this.bag(L.order, j0, j1, L.offs, L.ids, L.wts, L.tab, L.rb, s.X);
    if (L.dense) this.addDense(L.dense, L.n, this.order, j0, m, s.X);
    a.k.logits(W, b, s.X, m, C, L.rb, s.Z);
    const loss = this.softmaxGrad(j0, m);
    a.k.backward(W, s.X, s.G, m, C, L.rb, s.grad, s.gX);
    this.steps += stepIncrement;
    const t = this.steps;
    a.k.adam(
      W,
      L.adamM,
      L.adamV,
      s.grad,
      L.paramFloats * 4,
      rates.headLr,
      BETA1,
      BETA2,
      1 - BETA1 ** t,
      1 - BETA2 ** t,
      ADAM_EPS,
    );
    this.adagrad(L.order, j0, j1, L.offs, L.ids, L.wts, L.tab, L.acc, L.rb, s.gX, rates.lr, ADAGRAD_EPS);
    return loss;
  }

  /**
   * Loss Σ wᵢ·CEᵢ / #(wᵢ ≠ 0) (tfjs's SUM_BY_NONZERO_WEIGHTS), its gradient per logit into G,
   * the bias gradient (column sums of G) into the head gradient, whose W part is zeroed.
   */
  private softmaxGrad(j0: number, m: number): number {
    const { Z, G, grad, order, labels, weights } = this;
    const C = this.L.classes;
    const gb = C * this.L.dim;
    grad.fill(0);
    let nonZero = 0;
    for (let r = 0; r < m; r++) if ((weights[order[j0 + r] as number] as number) !== 0) nonZero++;
    const scale = nonZero > 0 ? 1 / nonZero : 0;
    let loss = 0;
    for (let r = 0; r < m; r++) {
      const i = order[j0 + r] as number;
      const y = labels[i] as number;
      const wi = (weights[i] as number) * scale;
      const o = r * C;
      let mx = -Infinity;
      for (let c = 0; c < C; c++) mx = Math.max(mx, Z[o + c] as number);
      // One exp per logit: G holds e^(z − max) until the sum is known.
      let sum = 0;
      for (let c = 0; c < C; c++) {
        const e = Math.exp((Z[o + c] as number) - mx);
        G[o + c] = e;
        sum += e;
      }
      loss += wi * (mx + Math.log(sum) - (Z[o + y] as number));
      const inv = 1 / sum;
      for (let c = 0; c < C; c++) {
        const g = wi * ((G[o + c] as number) * inv - (c === y ? 1 : 0));
        G[o + c] = g;
        grad[gb + c] = (grad[gb + c] as number) + g;
      }
    }
    return loss;
  }

  /** X[r] += dense[order[j0 + r]] for r < m (the frozen input; few floats next to the bag's work). */
  private addDense(dense: number, rows: number, order: Int32Array, j0: number, m: number, Xp: number): void {
    const D = this.L.dim;
    const src = this.a.f32(dense, rows * D);
    const X = this.a.f32(Xp, m * D);
    for (let r = 0; r < m; r++) {
      const o = (order[j0 + r] as number) * D;
      for (let k = 0; k < D; k++) X[r * D + k] = (X[r * D + k] as number) + (src[o + k] as number);
    }
  }

  /** Accuracy and mean cross-entropy on the validation items (current weights). */
  validate(): { accuracy: number; loss: number } {
    const { a, L } = this;
    const C = L.classes;
    const labels = a.i32(L.valLabels, L.nVal);
    const Z = a.f32(L.valZ, L.valChunk * C);
    let correct = 0;
    let loss = 0;
    for (let s = 0; s < L.nVal; s += L.valChunk) {
      const e = Math.min(L.nVal, s + L.valChunk);
      this.bag(L.valOrder, s, e, L.valOffs, L.valIds, L.valWts, L.tab, L.rb, L.valX);
      if (L.valDense) this.addDense(L.valDense, L.nVal, a.i32(L.valOrder, L.nVal), s, e - s, L.valX);
      a.k.logits(L.params, L.params + C * L.dim * 4, L.valX, e - s, C, L.rb, L.valZ);
      for (let r = 0; r < e - s; r++) {
        const o = r * C;
        let best = 0;
        for (let c = 1; c < C; c++) if ((Z[o + c] as number) > (Z[o + best] as number)) best = c;
        const y = labels[s + r] as number;
        if (best === y) correct++;
        let sum = 0;
        const mx = Z[o + best] as number;
        for (let c = 0; c < C; c++) sum += Math.exp((Z[o + c] as number) - mx);
        loss += mx + Math.log(sum) - (Z[o + y] as number);
      }
    }
    return { accuracy: correct / Math.max(1, L.nVal), loss: loss / Math.max(1, L.nVal) };
  }
}
