import { type SparseBatch, type TextInput, featurize, selectRows } from "./features";
import { createRng, permutation } from "./rng";
import { type TrainOptions, resolveFeatureConfig, trainOnFeatures } from "./train";

/**
 * Out-of-fold logits by k-fold cross-fitting: every labelled item is scored by
 * a model that did not train on it. Gives a calibration/certification set as
 * large as the whole labelled set (if the labels are a random sample of the
 * pool) while the deployed model still trains on everything.
 */
export async function crossFitLogits(
  data: { inputs: readonly TextInput[]; labels: readonly number[]; numClasses: number },
  folds: number,
  opts: TrainOptions = {},
): Promise<{ logits: Float32Array; folds: number; seconds: number }> {
  const cfg = resolveFeatureConfig(opts);
  return crossFitFeatures(featurize(data.inputs, cfg), data.labels, data.numClasses, folds, opts);
}

export async function crossFitFeatures(
  feats: SparseBatch,
  labels: ArrayLike<number>,
  numClasses: number,
  folds: number,
  opts: TrainOptions = {},
): Promise<{ logits: Float32Array; folds: number; seconds: number }> {
  const t0 = performance.now();
  const n = labels.length;
  if (folds < 2 || n < folds)
    throw new Error(`crossFit: need ≥ 2 folds and ≥ 1 item per fold (n=${n}, folds=${folds})`);
  const cfg = resolveFeatureConfig(opts);
  const perm = permutation(n, createRng((opts.seed ?? 1) + 77));
  const logits = new Float32Array(n * numClasses);
  for (let f = 0; f < folds; f++) {
    const held = perm.filter((_, i) => i % folds === f);
    const kept = perm.filter((_, i) => i % folds !== f);
    const model = await trainOnFeatures(
      selectRows(feats, kept),
      Array.from(kept, (i) => labels[i] as number),
      numClasses,
      cfg,
      { ...opts, onProgress: undefined },
    );
    const out = model.logitsFeatures(selectRows(feats, held));
    held.forEach((item, j) => logits.set(out.subarray(j * numClasses, (j + 1) * numClasses), item * numClasses));
    model.dispose();
    opts.onProgress?.({
      phase: "cross-fit",
      epoch: f + 1,
      epochs: folds,
      loss: model.training.finalLoss,
      valAccuracy: model.training.valAccuracy ?? undefined,
    });
  }
  return { logits, folds, seconds: (performance.now() - t0) / 1000 };
}
