import * as tf from "@tensorflow/tfjs";
import { EmbeddingTable } from "./embedding-table";
import { type FeatureConfig, type SparseBatch, type TextInput, batchSize, featurize, selectRows } from "./features";
import { type Head } from "./head";
import { predictionsFromRows } from "./predict-rows";
import type { Taxonomy } from "./taxonomy";
import { type Calibration, IDENTITY_CALIBRATION, type Prediction, predictionsFromLogits } from "./prediction";
import type { Thresholds } from "./thresholds";
import { timeSlicer } from "./time-slice";
import { Predictor } from "./wasm/predictor";

export type ModelConfig = {
  features: FeatureConfig;
  /** Embedding size. */
  dim: number;
  /** Hidden layer width; 0 = none (bag feeds the softmax directly). */
  hidden: number;
  numClasses: number;
};

/** What training did, stored with the model version. */
export type TrainingFigures = {
  backend: string;
  seed: number;
  items: number;
  validationItems: number;
  epochsRun: number;
  bestEpoch: number;
  trainSeconds: number;
  /** Training item-epochs per second. */
  itemsPerSecond: number;
  finalLoss: number;
  valAccuracy: number | null;
  warmStarted: boolean;
  stoppedEarly: boolean;
  aborted: boolean;
  /** "wasm-simd" or "tfjs" (absent in models trained before the fast engine existed). */
  engine?: string;
  /** Threads that trained it (1 is reproducible under the seed; 2 is Hogwild). */
  threads?: number;
};

export type PredictOptions = {
  topK?: number;
  batchSize?: number;
  withEmbedding?: boolean;
  /** "reference": bag in typed arrays, head and softmax in tfjs (the SIMD path's yardstick). */
  engine?: "auto" | "reference";
  /** The categories' paths as a taxonomy (ml/taxonomy.ts): adds each prediction's likely ancestors. */
  taxonomy?: Taxonomy;
  /** Overrides the model's own calibration for this call (callers sharing one model each pass theirs). */
  calibration?: Calibration;
};

export class TrainedModel {
  readonly config: ModelConfig;
  readonly table: EmbeddingTable;
  readonly head: Head;
  readonly training: TrainingFigures;
  calibration: Calibration = IDENTITY_CALIBRATION;
  thresholds: Thresholds | null = null;
  private disposed = false;
  /** SIMD scoring, when the head has no hidden layer and dim is a multiple of 4. */
  private readonly predictor: Predictor | null = null;

  constructor(config: ModelConfig, table: EmbeddingTable, head: Head, training: TrainingFigures) {
    this.config = config;
    this.head = head;
    this.training = training;
    if (config.hidden === 0 && config.dim % 4 === 0) {
      // The table moves into the scorer's memory (one copy); this.table is a view of it.
      this.predictor = new Predictor(table.rows, config.dim, config.numClasses);
      this.predictor.table.set(table.data);
      this.predictor.setHead(
        head.vars.map((v) => ({ name: v.name, shape: v.shape, data: v.dataSync() as Float32Array })),
      );
      this.table = new EmbeddingTable(table.rows, config.dim, this.predictor.table);
    } else this.table = table;
  }

  get numClasses(): number {
    return this.config.numClasses;
  }
  get backend(): string {
    return this.training.backend;
  }

  setCalibration(cal: Calibration): void {
    this.calibration = cal;
  }
  setThresholds(t: Thresholds | null): void {
    this.thresholds = t;
  }

  async predict(inputs: readonly TextInput[], opts: PredictOptions = {}): Promise<Prediction[]> {
    const bs = opts.batchSize ?? 1024;
    const out: Prediction[] = [];
    const slice = timeSlicer();
    for (let s = 0; s < inputs.length; s += bs) {
      await slice();
      const feats = featurize(inputs.slice(s, s + bs), this.config.features);
      for (const p of this.predictFeatures(feats, opts)) out.push(p);
    }
    return out;
  }

  /** Scores already-hashed items (the bench caches features across rounds). */
  predictFeatures(batch: SparseBatch, opts: PredictOptions = {}): Prediction[] {
    this.assertLive();
    const cal = opts.calibration ?? this.calibration;
    if (this.predictor && opts.engine !== "reference") {
      const out: Prediction[] = [];
      const { dim, numClasses } = this.config;
      this.predictor.forEachChunk(batch, (_s, m, Z, X) => {
        const emb = opts.withEmbedding ? X : undefined;
        const preds = predictionsFromRows(Z, m, numClasses, cal, opts.topK ?? 3, emb, dim, opts.taxonomy);
        for (const p of preds) out.push(p);
      });
      return out;
    }
    if (opts.taxonomy) {
      // The tfjs logits, the same row post-processing (ancestor sums need every class's probability).
      const logits = this.logitsFeatures(batch, 4096, "reference");
      const bag = opts.withEmbedding ? this.table.bag(batch) : undefined;
      const { dim, numClasses } = this.config;
      return predictionsFromRows(logits, batchSize(batch), numClasses, cal, opts.topK ?? 3, bag, dim, opts.taxonomy);
    }
    const bs = opts.batchSize ?? 2048;
    const n = batchSize(batch);
    const out: Prediction[] = [];
    for (let s = 0; s < n; s += bs) {
      const part = s === 0 && n <= bs ? batch : selectRows(batch, range(s, Math.min(n, s + bs)));
      const bag = this.table.bag(part);
      const logits = tf.tidy(() => this.head.logits(tf.tensor2d(bag, [batchSize(part), this.config.dim])));
      const preds = predictionsFromLogits(
        logits,
        cal,
        opts.topK ?? 3,
        opts.withEmbedding ? bag : undefined,
        this.config.dim,
      );
      logits.dispose();
      for (const p of preds) out.push(p);
    }
    return out;
  }

  /** Raw (uncalibrated) logits [n × numClasses], row-major: input to calibration fitting. */
  logitsFeatures(batch: SparseBatch, bs = 4096, engine: "auto" | "reference" = "auto"): Float32Array {
    this.assertLive();
    const n = batchSize(batch);
    const out = new Float32Array(n * this.numClasses);
    if (this.predictor && engine !== "reference") {
      this.predictor.forEachChunk(batch, (s, _m, Z) => out.set(Z, s * this.numClasses));
      return out;
    }
    for (let s = 0; s < n; s += bs) {
      const part = selectRows(batch, range(s, Math.min(n, s + bs)));
      const bag = this.table.bag(part);
      const t = tf.tidy(() => this.head.logits(tf.tensor2d(bag, [batchSize(part), this.config.dim])));
      out.set(t.dataSync(), s * this.numClasses);
      t.dispose();
    }
    return out;
  }

  logits(inputs: readonly TextInput[]): Float32Array {
    return this.logitsFeatures(featurize(inputs, this.config.features));
  }

  dispose(): void {
    if (this.disposed) return;
    this.head.dispose();
    this.disposed = true;
  }

  private assertLive(): void {
    if (this.disposed) throw new Error("TrainedModel used after dispose()");
  }
}

export function range(a: number, b: number): Int32Array {
  const r = new Int32Array(Math.max(0, b - a));
  for (let i = 0; i < r.length; i++) r[i] = a + i;
  return r;
}
