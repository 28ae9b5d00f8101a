import { availableParallelism } from "node:os";
import type { Worker } from "node:worker_threads";
import { currentBackend } from "./backend";
import { type FoldJob, type FoldReply, type FoldResult, trainFold } from "./cross-fit-fold";
import { type SparseBatch, type TextInput, featurize } from "./features";
import { createRng, permutation } from "./rng";
import { type TrainOptions, resolveFeatureConfig } from "./train";
import { siblingWorker, type WorkerFactory } from "./spawn-worker";

export type CrossFitOptions = TrainOptions & {
  /**
   * Worker threads training folds side by side (default: up to 2 when there are ≥ 2 cores and at
   * least PARALLEL_MIN_ITEMS items; 1 = in this thread). Results are the same either way.
   */
  workers?: number;
};

/** Below this many items a worker's start-up (~1 s: loader, tfjs) costs more than it saves. */
export const PARALLEL_MIN_ITEMS = 3000;

/**
 * Out-of-fold logits by k-fold cross-fitting: every labelled item is scored by a model that did
 * not train on it. Gives a calibration/certification set as large as the whole labelled set (if
 * the labels are a random sample of the pool) while the deployed model still trains on everything.
 */
export async function crossFitLogits(
  data: { inputs: readonly TextInput[]; labels: readonly number[]; numClasses: number },
  folds: number,
  opts: CrossFitOptions = {},
): Promise<{ logits: Float32Array; folds: number; seconds: number }> {
  const cfg = resolveFeatureConfig(opts);
  return crossFitFeatures(featurize(data.inputs, cfg), data.labels, data.numClasses, folds, opts);
}

export async function crossFitFeatures(
  feats: SparseBatch,
  labels: ArrayLike<number>,
  numClasses: number,
  folds: number,
  opts: CrossFitOptions = {},
): Promise<{ logits: Float32Array; folds: number; seconds: number }> {
  const t0 = performance.now();
  const n = labels.length;
  if (folds < 2 || n < folds)
    throw new Error(`crossFit: need ≥ 2 folds and ≥ 1 item per fold (n=${n}, folds=${folds})`);
  const perm = permutation(n, createRng((opts.seed ?? 1) + 77));
  const { workers: wanted, onProgress, signal, warmStart: _w, ...portable } = opts;
  const jobs: FoldJob[] = Array.from({ length: folds }, (_, f) => ({
    fold: f,
    feats,
    labels: Int32Array.from(labels),
    numClasses,
    held: perm.filter((_, i) => i % folds === f),
    kept: perm.filter((_, i) => i % folds !== f),
    opts: portable,
  }));
  const spawn = siblingWorker(import.meta.url, "cross-fit-worker");
  const workers = !spawn
    ? 1
    : Math.min(folds, wanted ?? (n >= PARALLEL_MIN_ITEMS ? Math.min(2, availableParallelism()) : 1));
  const logits = new Float32Array(n * numClasses);
  let done = 0;
  const collect = (job: FoldJob, r: FoldResult) => {
    job.held.forEach((item, j) =>
      logits.set(r.logits.subarray(j * numClasses, (j + 1) * numClasses), item * numClasses),
    );
    onProgress?.({
      phase: "cross-fit",
      epoch: ++done,
      epochs: folds,
      loss: r.finalLoss,
      valAccuracy: r.valAccuracy ?? undefined,
    });
  };
  if (workers <= 1) {
    for (const job of jobs) {
      signal?.throwIfAborted();
      collect(job, await trainFold(job));
    }
  } else if (spawn) await runOnWorkers(jobs, workers, spawn, collect, signal);
  return { logits, folds, seconds: (performance.now() - t0) / 1000 };
}

/** Hands folds to `count` worker threads as they free up; aborting terminates them. */
async function runOnWorkers(
  jobs: FoldJob[],
  count: number,
  spawn: WorkerFactory,
  collect: (job: FoldJob, r: FoldResult) => void,
  signal?: AbortSignal,
): Promise<void> {
  const pool: Worker[] = Array.from({ length: count }, () => spawn({ backend: currentBackend() }));
  const stop = () => void Promise.all(pool.map((w) => w.terminate()));
  signal?.addEventListener("abort", stop, { once: true });
  try {
    let next = 0;
    await Promise.all(
      pool.map(async (worker) => {
        while (next < jobs.length) {
          signal?.throwIfAborted();
          const job = jobs[next++] as FoldJob;
          const r = await new Promise<FoldReply>((resolve, reject) => {
            const onExit = (code: number) => reject(signal?.reason ?? new Error(`cross-fit worker exited (${code})`));
            worker.once("exit", onExit);
            worker.once("error", reject);
            worker.once("message", (m: FoldReply) => {
              worker.off("exit", onExit);
              worker.off("error", reject);
              resolve(m);
            });
            worker.postMessage(job);
          });
          if ("error" in r) throw new Error(`cross-fit fold ${job.fold}: ${r.error}`);
          collect(job, r);
        }
      }),
    );
    signal?.throwIfAborted();
  } finally {
    signal?.removeEventListener("abort", stop);
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
