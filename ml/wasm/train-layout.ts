import type { SparseBatch } from "../features";
import { Arena, padded } from "./arena";

/** Where everything one training run needs lives in its arena (byte offsets; plain numbers, so it can be posted). */
export type TrainLayout = {
  n: number;
  nVal: number;
  dim: number;
  classes: number;
  rb: number;
  batch: number;
  valChunk: number;
  offs: number;
  ids: number;
  wts: number;
  labels: number;
  weights: number;
  order: number;
  valOffs: number;
  valIds: number;
  valWts: number;
  valLabels: number;
  valOrder: number;
  tab: number;
  acc: number;
  /** Row-wise Adagrad keeps one sum per row (acc is buckets floats), else one per weight. */
  rowwise: boolean;
  buckets: number;
  /** Head parameters, contiguous: W (classes × dim, row-major) then b (classes, zero-padded to 4). */
  params: number;
  paramFloats: number;
  adamM: number;
  adamV: number;
  /** One scratch block per thread: batch bags, logits, logit gradients, bag gradients, head gradient. */
  scratch: { X: number; Z: number; G: number; gX: number; grad: number }[];
  valX: number;
  valZ: number;
  /** Frozen dense rows added to the bags (n × dim, nVal × dim), 0 when the items have none. */
  dense: number;
  valDense: number;
};

export type LayoutInput = {
  train: SparseBatch;
  labels: Int32Array;
  weights: Float32Array;
  val: SparseBatch | null;
  valLabels: Int32Array;
  buckets: number;
  dim: number;
  classes: number;
  batch: number;
  threads: number;
  rowwise: boolean;
};

const VAL_CHUNK = 512;

/** Sizes the arena for a run, allocates every region and copies the hashed items in. */
export function layoutTraining(inp: LayoutInput, shared: boolean): { arena: Arena; layout: TrainLayout } {
  const { dim, classes, batch, threads } = inp;
  const rb = dim * 4;
  const val = inp.val ?? { offsets: new Int32Array(1), ids: new Int32Array(0), weights: new Float32Array(0) };
  const n = inp.labels.length;
  const nVal = inp.valLabels.length;
  const paramFloats = classes * dim + ((classes + 3) & ~3);
  const sizes = {
    feats: padded((n + 1) * 4) + 2 * padded(inp.train.ids.length * 4) + 3 * padded(n * 4),
    val: padded((nVal + 1) * 4) + 2 * padded(val.ids.length * 4) + 2 * padded(nVal * 4),
    table: padded(inp.buckets * rb) + padded(inp.buckets * (inp.rowwise ? 4 : rb)),
    head: 3 * padded(paramFloats * 4),
    scratch: threads * (2 * padded(batch * rb) + 2 * padded(batch * classes * 4) + padded(paramFloats * 4)),
    valScratch: padded(VAL_CHUNK * rb) + padded(VAL_CHUNK * classes * 4),
    dense: padded((inp.train.dense?.length ?? 0) * 4) + padded((val.dense?.length ?? 0) * 4),
  };
  const arena = Arena.create(Object.values(sizes).reduce((a, b) => a + b, 0) + 1024, shared);
  const put = (src: Int32Array | Float32Array): number => {
    const p = arena.alloc(src.length * 4);
    (src instanceof Int32Array ? arena.i32(p, src.length) : arena.f32(p, src.length)).set(src);
    return p;
  };
  const identity = (m: number) => Int32Array.from({ length: m }, (_, i) => i);
  const layout: TrainLayout = {
    n,
    nVal,
    dim,
    classes,
    rb,
    batch,
    valChunk: VAL_CHUNK,
    offs: put(inp.train.offsets),
    ids: put(inp.train.ids),
    wts: put(inp.train.weights),
    labels: put(inp.labels),
    weights: put(inp.weights),
    order: arena.alloc(n * 4),
    valOffs: put(val.offsets),
    valIds: put(val.ids),
    valWts: put(val.weights),
    valLabels: put(inp.valLabels),
    valOrder: put(identity(nVal)),
    // The table and its Adagrad sums start at zero: a fresh WebAssembly memory is zero-filled.
    tab: arena.alloc(inp.buckets * rb),
    acc: arena.alloc(inp.buckets * (inp.rowwise ? 4 : rb)),
    rowwise: inp.rowwise,
    buckets: inp.buckets,
    params: arena.alloc(paramFloats * 4),
    paramFloats,
    adamM: arena.alloc(paramFloats * 4),
    adamV: arena.alloc(paramFloats * 4),
    scratch: Array.from({ length: threads }, () => ({
      X: arena.alloc(batch * rb),
      Z: arena.alloc(batch * classes * 4),
      G: arena.alloc(batch * classes * 4),
      gX: arena.alloc(batch * rb),
      grad: arena.alloc(paramFloats * 4),
    })),
    valX: arena.alloc(VAL_CHUNK * rb),
    valZ: arena.alloc(VAL_CHUNK * classes * 4),
    dense: inp.train.dense ? put(inp.train.dense) : 0,
    valDense: val.dense ? put(val.dense) : 0,
  };
  return { arena, layout };
}
