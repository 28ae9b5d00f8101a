import { type SparseBatch, selectRows } from "./features";
import { type TrainOptions, resolveFeatureConfig, trainOnFeatures } from "./train";

/** Train options that can cross a thread boundary (no callbacks, signals or models). */
export type PortableTrainOptions = Omit<TrainOptions, "warmStart" | "onProgress" | "signal">;

export type FoldJob = {
  fold: number;
  feats: SparseBatch;
  labels: Int32Array;
  numClasses: number;
  kept: Int32Array;
  held: Int32Array;
  opts: PortableTrainOptions;
};

export type FoldResult = { logits: Float32Array; finalLoss: number; valAccuracy: number | null };
export type FoldReply = { fold: number } & (FoldResult | { error: string });

/** One fold: train on `kept`, return raw logits of `held` (row-major, held order). */
export async function trainFold(job: FoldJob): Promise<FoldResult> {
  const cfg = resolveFeatureConfig(job.opts);
  const model = await trainOnFeatures(
    selectRows(job.feats, job.kept),
    Array.from(job.kept, (i) => job.labels[i] as number),
    job.numClasses,
    cfg,
    job.opts,
  );
  try {
    return {
      logits: model.logitsFeatures(selectRows(job.feats, job.held)),
      finalLoss: model.training.finalLoss,
      valAccuracy: model.training.valAccuracy,
    };
  } finally {
    model.dispose();
  }
}
