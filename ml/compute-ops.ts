/**
 * The work the compute thread does, by name: training, prediction and logits of a model
 * held in the thread's ModelStore, serialising it, and the label-error cross-fit. The same
 * table runs inline when no thread can be started, so both paths are one code.
 */
import { threadId } from "node:worker_threads";
import type { TextInput } from "./features";
import { crossFitLabelErrors, type CrossFitLabelErrorOptions, type LabelErrorRun } from "./label-errors-cross-fit";
import type { PredictOptions, TrainingFigures } from "./model";
import type { ModelStore } from "./model-store";
import { packPredictions, type PackedPredictions } from "./packed-predictions";
import type { Calibration } from "./prediction";
import { calibrationOnLogits, type CalibrationFitting } from "./certified-calibration";
import { serializeModel, type SerializedModel } from "./serialize";
import type { Thresholds } from "./thresholds";
import { trainModel, type TrainData, type TrainOptions, type TrainProgress } from "./train";

export type OpContext = { store: ModelStore; signal: AbortSignal; onProgress: (p: TrainProgress) => void };

/** Training options that cross a thread boundary (the warm-start model by its key). */
export type TrainSettings = Omit<TrainOptions, "warmStart" | "onProgress" | "signal"> & { warmStartKey?: string };

/** `threadId`: where the model was trained and is held (0 = the process's main thread). */
export type TrainedRef = {
  key: string;
  numClasses: number;
  backend: string;
  training: TrainingFigures;
  threadId: number;
};

/** A result and the buffers that may be moved, not copied, to the caller. */
export type Moved<T> = { value: T; transfer: ArrayBuffer[] };
const moved = <T>(value: T, transfer: ArrayBuffer[] = []): Moved<T> => ({ value, transfer });

export const computeOps = {
  async train(p: { data: TrainData; settings: TrainSettings }, ctx: OpContext): Promise<Moved<TrainedRef>> {
    const { warmStartKey, ...settings } = p.settings;
    const warmStart = warmStartKey ? await ctx.store.get(warmStartKey) : undefined;
    const model = await trainModel(p.data, { ...settings, warmStart, signal: ctx.signal, onProgress: ctx.onProgress });
    const key = ctx.store.pin(model);
    return moved({ key, numClasses: model.numClasses, backend: model.backend, training: model.training, threadId });
  },

  async predict(
    p: { key: string; inputs: readonly TextInput[]; calibration: Calibration; opts: PredictOptions },
    ctx: OpContext,
  ): Promise<Moved<PackedPredictions>> {
    const model = await ctx.store.get(p.key);
    const topK = p.opts.topK ?? 3;
    const preds = await model.predict(p.inputs, { ...p.opts, topK, calibration: p.calibration });
    const packed = packPredictions(preds, topK, p.opts.withEmbedding ? model.config.dim : 0);
    return moved(packed, packed.buffers);
  },

  async logits(p: { key: string; inputs: readonly TextInput[] }, ctx: OpContext): Promise<Moved<Float32Array>> {
    const out = (await ctx.store.get(p.key)).logits(p.inputs);
    return moved(out, [out.buffer as ArrayBuffer]);
  },

  async fitCalibration(
    p: { key: string; inputs: readonly TextInput[]; labels: readonly number[]; how: CalibrationFitting },
    ctx: OpContext,
  ): Promise<Moved<Calibration>> {
    const model = await ctx.store.get(p.key);
    return moved(calibrationOnLogits(model.logits(p.inputs), p.labels, model.numClasses, p.how));
  },

  /** The blob carries the calibration and thresholds it was certified with (self-describing). */
  async serialize(
    p: { key: string; calibration: Calibration; thresholds: Thresholds | null },
    ctx: OpContext,
  ): Promise<Moved<SerializedModel>> {
    const model = await ctx.store.get(p.key);
    model.setCalibration(p.calibration);
    model.setThresholds(p.thresholds);
    const s = await serializeModel(model);
    return moved(s, [s.bytes.buffer as ArrayBuffer]);
  },

  /** Makes sure a stored model is held (its bytes read and verified now, so a bad artifact fails here). */
  async load(p: { key: string }, ctx: OpContext): Promise<Moved<null>> {
    await ctx.store.get(p.key);
    return moved(null);
  },

  async release(p: { key: string }, ctx: OpContext): Promise<Moved<null>> {
    ctx.store.release(p.key);
    return moved(null);
  },

  async clearStored(_p: Record<string, never>, ctx: OpContext): Promise<Moved<null>> {
    ctx.store.clearStored();
    return moved(null);
  },

  async labelErrors(
    p: { data: TrainData; opts: Omit<CrossFitLabelErrorOptions, "signal" | "onProgress"> },
    ctx: OpContext,
  ): Promise<Moved<LabelErrorRun>> {
    const run = await crossFitLabelErrors(p.data, { ...p.opts, signal: ctx.signal, onProgress: ctx.onProgress });
    return moved(run, [run.probabilities.buffer as ArrayBuffer]);
  },
};

export type ComputeOps = typeof computeOps;
export type OpName = keyof ComputeOps;
export type OpInput<N extends OpName> = Parameters<ComputeOps[N]>[0];
export type OpOutput<N extends OpName> = Awaited<ReturnType<ComputeOps[N]>>["value"];
