/**
 * The detector as the product runs it: out-of-fold logits by k-fold cross-fitting
 * with the training defaults, turned into probabilities, then confident learning.
 * One function, so the benchmark measures exactly what the job does.
 */
import { crossFitLogits } from "./cross-fit";
import type { TextInput } from "./features";
import { findLabelErrors, softmaxRows, type LabelErrorFlag } from "./label-errors";
import type { TrainOptions } from "./train";

/** Folds of the cross-fit: each item is scored by a model trained on the other 80%. */
export const LABEL_ERROR_FOLDS = 5;

export type CrossFitLabelErrorOptions = Pick<TrainOptions, "seed" | "epochs" | "signal" | "onProgress">;

export type LabelErrorRun = {
  flags: LabelErrorFlag[];
  /** Out-of-fold probabilities, n × k row-major. */
  probabilities: Float32Array;
  folds: number;
  seconds: number;
};

export async function crossFitLabelErrors(
  data: { inputs: readonly TextInput[]; labels: readonly number[]; numClasses: number },
  opts: CrossFitLabelErrorOptions = {},
): Promise<LabelErrorRun> {
  const t0 = performance.now();
  const cf = await crossFitLogits(data, LABEL_ERROR_FOLDS, {
    seed: opts.seed,
    epochs: opts.epochs,
    signal: opts.signal,
    onProgress: opts.onProgress,
  });
  const probabilities = softmaxRows(cf.logits, data.numClasses);
  const flags = findLabelErrors({ probabilities, labels: data.labels, numClasses: data.numClasses });
  return { flags, probabilities, folds: cf.folds, seconds: (performance.now() - t0) / 1000 };
}
