import { type SparseBatch, addDense } from "../features";
import type { WeightBlob } from "../head";
import { Arena, padded } from "./arena";

/** Items per kernel call, and the features they may hold together (larger items go alone). */
const CHUNK_ITEMS = 1024;
const CHUNK_FEATURES = 1 << 19;

/**
 * Scoring in the SIMD kernels: the embedding table lives in this arena (the model's table is a
 * view of it, so it is not held twice), with the head (W classes × dim, b) and a fixed scratch
 * block for one chunk of hashed items, their bags and logits.
 */
export class Predictor {
  readonly arena: Arena;
  readonly table: Float32Array;
  private readonly dim: number;
  private readonly classes: number;
  private readonly W: number;
  private readonly b: number;
  private readonly offs: number;
  private readonly ids: number;
  private readonly wts: number;
  private readonly order: number;
  private readonly X: number;
  private readonly Z: number;
  private readonly bag: Arena["k"]["bag"];

  constructor(rows: number, dim: number, classes: number) {
    const rb = dim * 4;
    const bytes =
      padded(rows * rb) +
      padded(classes * rb) +
      padded(classes * 4) +
      3 * padded((CHUNK_ITEMS + 1) * 4) +
      2 * padded(CHUNK_FEATURES * 4) +
      padded(CHUNK_ITEMS * rb) +
      padded(CHUNK_ITEMS * classes * 4);
    this.arena = Arena.create(bytes + 1024);
    this.dim = dim;
    this.classes = classes;
    this.table = this.arena.f32(this.arena.alloc(rows * rb), rows * dim);
    this.W = this.arena.alloc(classes * rb);
    this.b = this.arena.alloc(classes * 4);
    this.offs = this.arena.alloc((CHUNK_ITEMS + 1) * 4);
    this.ids = this.arena.alloc(CHUNK_FEATURES * 4);
    this.wts = this.arena.alloc(CHUNK_FEATURES * 4);
    this.order = this.arena.alloc(CHUNK_ITEMS * 4);
    this.X = this.arena.alloc(CHUNK_ITEMS * rb);
    this.Z = this.arena.alloc(CHUNK_ITEMS * classes * 4);
    this.arena.i32(this.order, CHUNK_ITEMS).set(Int32Array.from({ length: CHUNK_ITEMS }, (_, i) => i));
    this.bag = rb % 64 === 0 ? this.arena.k.bag16 : this.arena.k.bag;
  }

  /** Takes the head's weights (tfjs layout: w2 dim × classes, b2 classes). */
  setHead(blobs: WeightBlob[]): void {
    const [w2, b2] = blobs;
    const { dim, classes } = this;
    if (!w2 || !b2 || blobs.length !== 2) throw new Error("fast scoring needs a head without a hidden layer");
    const W = this.arena.f32(this.W, classes * dim);
    for (let k = 0; k < dim; k++) for (let c = 0; c < classes; c++) W[c * dim + k] = w2.data[k * classes + c] as number;
    this.arena.f32(this.b, classes).set(b2.data);
  }

  /**
   * Bags and raw logits of every item, chunk by chunk; `each` receives a chunk's logits
   * (m × classes) and bags (m × dim) as views valid until it returns.
   */
  forEachChunk(batch: SparseBatch, each: (start: number, m: number, Z: Float32Array, X: Float32Array) => void): void {
    const n = batch.offsets.length - 1;
    const { arena, dim, classes } = this;
    const offs = arena.i32(this.offs, CHUNK_ITEMS + 1);
    const ids = arena.i32(this.ids, CHUNK_FEATURES);
    const wts = arena.f32(this.wts, CHUNK_FEATURES);
    for (let s = 0; s < n;) {
      const base = batch.offsets[s] as number;
      let e = s;
      while (e < n && e - s < CHUNK_ITEMS && (batch.offsets[e + 1] as number) - base <= CHUNK_FEATURES) e++;
      const m = e - s;
      if (m === 0) throw new Error(`item ${s} has more than ${CHUNK_FEATURES} hashed features`);
      for (let i = 0; i <= m; i++) offs[i] = (batch.offsets[s + i] as number) - base;
      const end = batch.offsets[e] as number;
      ids.set(batch.ids.subarray(base, end));
      wts.set(batch.weights.subarray(base, end));
      this.bag(this.order, 0, m, this.offs, this.ids, this.wts, this.table.byteOffset, dim * 4, this.X);
      addDense(batch, arena.f32(this.X, m * dim), dim, s, m);
      arena.k.logits(this.W, this.b, this.X, m, classes, dim * 4, this.Z);
      each(s, m, arena.f32(this.Z, m * classes), arena.f32(this.X, m * dim));
      s = e;
    }
  }
}
