import { EmbeddingTable } from "../embedding-table";
import { Head, type WeightBlob } from "../head";
import { timeSlicer } from "../time-slice";
import type { EngineInput, EngineSnapshot, TrainEngine } from "../train-engine";
import type { Arena } from "./arena";
import { HogwildPool, hogwildAvailable } from "./hogwild";
import { type TrainLayout, layoutTraining } from "./train-layout";
import { TrainStepper } from "./train-step";

/** True when the SIMD engine can train this shape: no hidden layer, dim a multiple of 4. */
export function fastEngineSupports(shape: { dim: number; hidden: number }): boolean {
  return shape.hidden === 0 && shape.dim % 4 === 0 && shape.dim > 0;
}

/** tfjs's head layout (w2 dim × C, b2 C) into the arena's (W C × dim, b). */
function writeHead(params: Float32Array, blobs: WeightBlob[], dim: number, C: number): void {
  const [w2, b2] = blobs;
  if (!w2 || !b2) throw new Error("fast engine: head weights missing");
  for (let k = 0; k < dim; k++) for (let c = 0; c < C; c++) params[c * dim + k] = w2.data[k * C + c] as number;
  params.set(b2.data, C * dim);
}

function readHead(params: Float32Array, dim: number, C: number): WeightBlob[] {
  const w2 = new Float32Array(dim * C);
  for (let k = 0; k < dim; k++) for (let c = 0; c < C; c++) w2[k * C + c] = params[c * dim + k] as number;
  return [
    { name: "w2", shape: [dim, C], data: w2 },
    { name: "b2", shape: [C], data: params.slice(C * dim, C * dim + C) },
  ];
}

/**
 * The training step of the reference engine in WebAssembly SIMD kernels over one memory.
 * With threads = 2 the epoch is split between this thread and a worker that update the same
 * table and head without locks (Hogwild): fast, not reproducible bit for bit.
 */
export class FastEngine implements TrainEngine {
  readonly name = "wasm-simd";
  readonly threads: number;
  private readonly arena: Arena;
  private readonly L: TrainLayout;
  private readonly stepper: TrainStepper;
  private readonly rates: { lr: number; headLr: number };
  private pool: HogwildPool | null = null;

  constructor(
    private readonly a: EngineInput,
    threads: number,
  ) {
    // Two threads need the worker module on disk; bundled code trains on one (and says so in its figures).
    this.threads = hogwildAvailable() ? Math.max(1, Math.min(2, Math.floor(threads))) : 1;
    const { dim, numClasses } = a.head.shape;
    const { arena, layout } = layoutTraining(
      {
        train: a.trainFeats,
        labels: a.trainLabels,
        weights: a.weights,
        val: a.valFeats,
        valLabels: a.valLabels,
        buckets: a.table.rows,
        dim,
        classes: numClasses,
        batch: a.batchSize,
        threads: this.threads,
        rowwise: a.rowwiseAdagrad,
      },
      this.threads > 1,
    );
    this.arena = arena;
    this.L = layout;
    this.arena.f32(layout.tab, a.table.rows * dim).set(a.table.data);
    writeHead(this.params(), this.tfjsHead(), dim, numClasses);
    this.stepper = new TrainStepper(arena, layout, 0);
    this.rates = { lr: a.lr, headLr: a.headLr };
  }

  private params(): Float32Array {
    return this.arena.f32(this.L.params, this.L.paramFloats);
  }

  private tfjsHead(): WeightBlob[] {
    return this.a.head.vars.map((v) => ({ name: v.name, shape: v.shape.slice(), data: v.dataSync() as Float32Array }));
  }

  async runEpoch(order: Int32Array): Promise<number> {
    this.arena.i32(this.L.order, this.L.n).set(order);
    if (this.threads > 1) {
      this.pool ??= await HogwildPool.start(this.arena, this.L, this.rates);
      return this.pool.epoch(this.stepper);
    }
    const slice = timeSlicer();
    const B = this.L.batch;
    let lossSum = 0;
    let batches = 0;
    for (let s = 0; s < this.L.n; s += B) {
      await slice();
      lossSum += this.stepper.step(s, Math.min(this.L.n, s + B), this.rates);
      batches++;
    }
    return lossSum / Math.max(1, batches);
  }

  validate(): { accuracy: number; loss: number } | null {
    return this.L.nVal > 0 ? this.stepper.validate() : null;
  }

  snapshot(): EngineSnapshot {
    const { L } = this;
    return {
      table: this.arena.f32(L.tab, L.buckets * L.dim).slice(),
      head: [{ name: "params", shape: [L.paramFloats], data: this.params().slice() }],
    };
  }

  restore(s: EngineSnapshot): void {
    const { L } = this;
    this.arena.f32(L.tab, L.buckets * L.dim).set(s.table);
    const p = s.head[0];
    if (!p) throw new Error("fast engine: snapshot without head");
    this.params().set(p.data);
  }

  finish(): { table: EmbeddingTable; head: Head } {
    const { L, a } = this;
    // A view: TrainedModel copies the table into its scorer's memory (the shape is the same one the SIMD scorer takes).
    const table = new EmbeddingTable(L.buckets, L.dim, this.arena.f32(L.tab, L.buckets * L.dim));
    const head = Head.fromWeights(a.head.shape, readHead(this.params(), L.dim, L.classes));
    a.head.dispose();
    return { table, head };
  }

  dispose(): void {
    void this.pool?.close();
    this.pool = null;
  }
}
