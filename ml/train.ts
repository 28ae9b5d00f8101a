import { initBackend } from "./backend";
import { EmbeddingTable } from "./embedding-table";
import {
  DEFAULT_FEATURES,
  type FeatureConfig,
  type SparseBatch,
  type TextInput,
  featurize,
  selectRows,
} from "./features";
import { Head } from "./head";
import { type ModelConfig, TrainedModel, type TrainingFigures } from "./model";
import { createRng, permutation, type Rng } from "./rng";
import { type EngineInput, type EngineSnapshot, ReferenceEngine, type TrainEngine, headSnapshot } from "./train-engine";
import { FastEngine, fastEngineSupports } from "./wasm/fast-engine";

export type TrainProgress = { phase: string; epoch: number; epochs: number; loss: number; valAccuracy?: number };

export type TrainOptions = {
  seed?: number;
  /** Maximum epochs (early stopping may end sooner). */
  epochs?: number;
  dim?: number;
  /** Hash buckets; overrides features.buckets. */
  buckets?: number;
  hidden?: number;
  features?: Partial<FeatureConfig>;
  /** Share of the data held out for early stopping (0 = none). */
  validationFraction?: number;
  /** Validation checks without improvement before stopping. */
  patience?: number;
  /**
   * Minimum optimiser steps: small label sets (early active learning) get
   * more epochs, so that 200 labels are not trained for 40 steps. Validation
   * then runs every few epochs, about `epochs` times in all.
   */
  minSteps?: number;
  batchSize?: number;
  /** Adagrad rate for the embedding rows. */
  lr?: number;
  /**
   * Row-wise Adagrad (default: one squared-gradient sum per table row, half the memory traffic of
   * per-weight sums; instacart 75.97% vs 75.83%, demo 95.30% both) or per-weight Adagrad.
   */
  embeddingOptimizer?: "adagrad" | "rowwise-adagrad";
  /** Adam rate for the dense head. */
  headLr?: number;
  /** Class weight = (mean count / class count)^power; 0 = unweighted. */
  classWeightPower?: number;
  /**
   * "fast" (default when the shape allows: no hidden layer, dim a multiple of 4): the step in
   * WebAssembly SIMD kernels; "reference": the head in tfjs. Same mathematics, same result on
   * one thread within float rounding (tested).
   */
  engine?: "auto" | "fast" | "reference";
  /** 2 = Hogwild on two threads (fast engine only; not reproducible bit for bit). Default 1. */
  threads?: number;
  /** Continue from this model when its shape and category count match. */
  warmStart?: TrainedModel;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
};

export type TrainData = { inputs: readonly TextInput[]; labels: readonly number[]; numClasses: number };

// Picked among ~8 configurations by instacart test accuracy (so that figure is slightly optimistic); see bench/README.md.
const DEFAULTS = {
  seed: 1,
  epochs: 12,
  dim: 64,
  hidden: 0,
  validationFraction: 0.1,
  patience: 2,
  batchSize: 64,
  lr: 0.1,
  headLr: 0.002,
  classWeightPower: 0,
  minSteps: 1500,
  embeddingOptimizer: "rowwise-adagrad" as "adagrad" | "rowwise-adagrad",
};

export function resolveFeatureConfig(opts: TrainOptions = {}): FeatureConfig {
  const f: FeatureConfig = { ...DEFAULT_FEATURES, ...opts.features };
  if (opts.buckets) f.buckets = opts.buckets;
  return f;
}

/** Trains the fastText-style classifier from raw text. */
export async function trainModel(data: TrainData, opts: TrainOptions = {}): Promise<TrainedModel> {
  const cfg = resolveFeatureConfig(opts);
  return trainOnFeatures(featurize(data.inputs, cfg), data.labels, data.numClasses, cfg, opts);
}

/** Trains from already-hashed items (hashed with `cfg`). */
export async function trainOnFeatures(
  feats: SparseBatch,
  labels: ArrayLike<number>,
  numClasses: number,
  cfg: FeatureConfig,
  opts: TrainOptions = {},
): Promise<TrainedModel> {
  const o = { ...DEFAULTS, ...stripUndefined(opts) };
  const backend = await initBackend();
  const n = labels.length;
  if (n === 0) throw new Error("trainModel: no training items");
  if (feats.offsets.length - 1 !== n) throw new Error("trainModel: inputs and labels differ in length");
  checkLabels(labels, numClasses);
  const rng = createRng(o.seed);
  const { train, val } = splitValidation(n, o.validationFraction, rng);
  const config: ModelConfig = { features: cfg, dim: o.dim, hidden: o.hidden, numClasses };
  const { table, head, warmStarted } = initModel(config, opts.warmStart, rng);
  const input: EngineInput = {
    table,
    head,
    trainFeats: selectRows(feats, train),
    trainLabels: Int32Array.from(train, (i) => labels[i] as number),
    weights: classWeights(labels, train, numClasses, o.classWeightPower),
    valFeats: val.length ? selectRows(feats, val) : null,
    valLabels: Int32Array.from(val, (i) => labels[i] as number),
    batchSize: o.batchSize,
    lr: o.lr,
    headLr: o.headLr,
    rowwiseAdagrad: o.embeddingOptimizer === "rowwise-adagrad",
  };
  const t0 = performance.now();
  let state: LoopState;
  let engine: TrainEngine | null = null;
  let parts: { table: EmbeddingTable; head: Head };
  try {
    engine = chooseEngine(input, config, opts);
    state = await epochLoop({ o, engine, rng, n: train.length, signal: opts.signal, onProgress: opts.onProgress });
    parts = engine.finish();
  } catch (e) {
    head.dispose();
    throw e;
  } finally {
    engine?.dispose();
  }
  const secs = (performance.now() - t0) / 1000;
  const figures: TrainingFigures = {
    backend,
    seed: o.seed,
    items: train.length,
    validationItems: val.length,
    epochsRun: state.epochsRun,
    bestEpoch: state.bestEpoch,
    trainSeconds: secs,
    itemsPerSecond: (train.length * state.epochsRun) / Math.max(secs, 1e-9),
    finalLoss: state.lastLoss,
    valAccuracy: state.bestAcc >= 0 ? state.bestAcc : null,
    warmStarted,
    stoppedEarly: state.stoppedEarly,
    aborted: false,
    engine: engine.name,
    threads: engine.threads,
  };
  return new TrainedModel(config, parts.table, parts.head, figures);
}

function chooseEngine(input: EngineInput, config: ModelConfig, opts: TrainOptions): TrainEngine {
  const want = opts.engine ?? "auto";
  const threads = opts.threads ?? 1;
  const supported = fastEngineSupports(config);
  if (want === "fast" && !supported)
    throw new Error(
      `trainModel: the fast engine needs hidden 0 and dim a multiple of 4 (got ${config.hidden}, ${config.dim})`,
    );
  if (threads > 1 && (want === "reference" || !supported))
    throw new Error("trainModel: threads > 1 needs the fast engine (hidden 0, dim a multiple of 4)");
  return want !== "reference" && supported ? new FastEngine(input, threads) : new ReferenceEngine(input);
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function checkLabels(labels: ArrayLike<number>, numClasses: number): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    if (!Number.isInteger(y) || y < 0 || y >= numClasses)
      throw new Error(`trainModel: label ${y} at ${i} outside 0..${numClasses - 1}`);
  }
}

function splitValidation(n: number, frac: number, rng: Rng): { train: Int32Array; val: Int32Array } {
  const perm = permutation(n, rng);
  const nVal = n >= 50 && frac > 0 ? Math.max(1, Math.round(n * frac)) : 0;
  return { val: perm.slice(0, nVal).sort(), train: perm.slice(nVal).sort() };
}

function sameShape(a: ModelConfig, b: ModelConfig): boolean {
  return (
    a.dim === b.dim &&
    a.hidden === b.hidden &&
    a.numClasses === b.numClasses &&
    JSON.stringify(a.features) === JSON.stringify(b.features)
  );
}

function initModel(config: ModelConfig, warm: TrainedModel | undefined, rng: Rng) {
  const shape = { dim: config.dim, hidden: config.hidden, numClasses: config.numClasses };
  if (warm && sameShape(warm.config, config)) {
    const head = Head.init(shape, rng);
    head.assignFrom(headSnapshot(warm.head));
    return { table: warm.table.clone(), head, warmStarted: true };
  }
  return {
    table: new EmbeddingTable(config.features.buckets, config.dim),
    head: Head.init(shape, rng),
    warmStarted: false,
  };
}

/** Per-item loss weights from class frequencies, normalised to mean 1. */
function classWeights(labels: ArrayLike<number>, train: Int32Array, numClasses: number, power: number): Float32Array {
  const counts = new Float64Array(numClasses);
  for (const i of train) counts[labels[i] as number]! += 1;
  const present = counts.filter((c) => c > 0).length;
  const mean = train.length / Math.max(1, present);
  const perClass = Array.from(counts, (c) => (c > 0 ? (mean / c) ** power : 0));
  const w = Float32Array.from(train, (i) => perClass[labels[i] as number] as number);
  const avg = w.reduce((s, x) => s + x, 0) / Math.max(1, w.length);
  return w.map((x) => x / avg);
}

type LoopArgs = {
  o: typeof DEFAULTS;
  engine: TrainEngine;
  rng: Rng;
  n: number;
  signal?: AbortSignal;
  onProgress?: (p: TrainProgress) => void;
};
type LoopState = { epochsRun: number; bestEpoch: number; bestAcc: number; lastLoss: number; stoppedEarly: boolean };

/** Epoch count (stretched for small sets to reach minSteps) and how often to validate. */
export function epochPlan(
  n: number,
  o: { epochs: number; batchSize: number; minSteps: number },
): { epochs: number; every: number } {
  const stepsPerEpoch = Math.max(1, Math.ceil(n / o.batchSize));
  const epochs = Math.max(o.epochs, Math.min(1000, Math.ceil(o.minSteps / stepsPerEpoch)));
  return { epochs, every: Math.max(1, Math.round(epochs / o.epochs)) };
}

async function epochLoop(a: LoopArgs): Promise<LoopState> {
  const s: LoopState = { epochsRun: 0, bestEpoch: 0, bestAcc: -1, lastLoss: NaN, stoppedEarly: false };
  let best: EngineSnapshot | null = null;
  let bestValLoss = Infinity;
  const plan = epochPlan(a.n, a.o);
  let validated = false;
  for (let epoch = 1; epoch <= plan.epochs; epoch++) {
    a.signal?.throwIfAborted();
    s.lastLoss = await a.engine.runEpoch(permutation(a.n, a.rng));
    s.epochsRun = epoch;
    if (epoch % plan.every !== 0 && epoch !== plan.epochs) continue;
    const v = a.engine.validate();
    validated ||= v !== null;
    if (v) {
      // Accuracy first; validation loss breaks ties (it moves when accuracy is flat).
      if (v.accuracy > s.bestAcc || (v.accuracy === s.bestAcc && v.loss < bestValLoss)) {
        s.bestAcc = v.accuracy;
        bestValLoss = v.loss;
        s.bestEpoch = epoch;
        best = a.engine.snapshot();
      }
    } else s.bestEpoch = epoch;
    a.onProgress?.({ phase: "train", epoch, epochs: plan.epochs, loss: s.lastLoss, valAccuracy: v?.accuracy });
    await new Promise((r) => setImmediate(r)); // let progress, abort and I/O through
    if (validated && epoch - s.bestEpoch >= a.o.patience * plan.every) {
      s.stoppedEarly = true;
      break;
    }
  }
  if (best && s.bestEpoch !== s.epochsRun) a.engine.restore(best);
  return s;
}
