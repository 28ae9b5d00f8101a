import type { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import type { BackendPreference } from "./backend";
import type { TextInput } from "./features";
import type { PredictOptions } from "./model";
import { type PackedPredictions, unpackPredictions } from "./packed-predictions";
import { siblingWorker } from "./spawn-worker";
import type { Prediction } from "./prediction";

export type ParallelScorer = {
  workers: number;
  backend: string;
  score(inputs: readonly TextInput[], opts?: PredictOptions): Promise<Prediction[]>;
  close(): Promise<void>;
};

function spawnScoreWorker(workerData: unknown): Worker {
  const spawn = siblingWorker(import.meta.url, "score-worker");
  if (!spawn) throw new Error("the scorer's worker source was not found next to ml/parallel-scorer");
  return spawn(workerData);
}

type Reply = {
  id?: number;
  packed?: PackedPredictions;
  error?: string;
  ready?: boolean;
  backend?: string;
  fatal?: string;
};

/** Starts a worker that loads the model blob; resolves once it is ready. */
function startWorker(bytes: Uint8Array, backend: BackendPreference): Promise<{ worker: Worker; backend: string }> {
  const worker = spawnScoreWorker({ bytes, backend });
  return new Promise((resolve, reject) => {
    const onMsg = (m: Reply) => {
      if (m.ready) {
        worker.off("message", onMsg);
        resolve({ worker, backend: m.backend ?? "?" });
      } else if (m.fatal) reject(new Error(`scorer worker failed: ${m.fatal}`));
    };
    worker.on("message", onMsg);
    worker.once("error", reject);
  });
}

/**
 * Scores with a model blob on `workers` threads (default: cores, max 4).
 * Chunks are handed to whichever worker is free; order is preserved.
 */
export async function createParallelScorer(
  bytes: Uint8Array,
  opts: { workers?: number; backend?: BackendPreference; chunkSize?: number } = {},
): Promise<ParallelScorer> {
  const count = Math.max(1, opts.workers ?? Math.min(4, availableParallelism()));
  const started = await Promise.all(Array.from({ length: count }, () => startWorker(bytes, opts.backend ?? "auto")));
  const chunkSize = opts.chunkSize ?? 2048;
  let nextId = 0;
  const run = (worker: Worker, inputs: TextInput[], topK: number, withEmbedding: boolean) =>
    new Promise<Prediction[]>((resolve, reject) => {
      const id = nextId++;
      const onMsg = (m: Reply) => {
        if (m.id !== id) return;
        worker.off("message", onMsg);
        if (m.error || !m.packed) reject(new Error(`scorer worker: ${m.error ?? "no result"}`));
        else resolve(unpackPredictions(m.packed));
      };
      worker.on("message", onMsg);
      worker.postMessage({ id, inputs, topK, withEmbedding });
    });
  return {
    workers: count,
    backend: started[0]?.backend ?? "?",
    async score(inputs, o = {}) {
      const chunks: TextInput[][] = [];
      for (let s = 0; s < inputs.length; s += chunkSize) chunks.push(inputs.slice(s, s + chunkSize));
      const results: Prediction[][] = new Array(chunks.length);
      let next = 0;
      await Promise.all(
        started.map(async ({ worker }) => {
          while (next < chunks.length) {
            const c = next++;
            results[c] = await run(worker, chunks[c] as TextInput[], o.topK ?? 3, o.withEmbedding ?? false);
          }
        }),
      );
      return results.flat();
    },
    async close() {
      await Promise.all(started.map(({ worker }) => worker.terminate()));
    },
  };
}
