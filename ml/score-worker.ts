/** Worker-thread side of the parallel scorer: loads a model blob, scores chunks. */
import { parentPort, workerData } from "node:worker_threads";
import { initBackend, type BackendPreference } from "./backend";
import type { TextInput } from "./features";
import { packPredictions } from "./packed-predictions";
import { deserializeModel } from "./serialize";

type Init = { bytes: Uint8Array; backend: BackendPreference };
type Job = { id: number; inputs: TextInput[]; topK: number; withEmbedding: boolean };

async function main(): Promise<void> {
  const init = workerData as Init;
  await initBackend(init.backend);
  const model = await deserializeModel(init.bytes);
  parentPort?.on("message", async (job: Job) => {
    try {
      const preds = await model.predict(job.inputs, { topK: job.topK, withEmbedding: job.withEmbedding });
      const packed = packPredictions(preds, job.topK, job.withEmbedding ? model.config.dim : 0);
      parentPort?.postMessage({ id: job.id, packed }, packed.buffers);
    } catch (e) {
      parentPort?.postMessage({ id: job.id, error: (e as Error).message });
    }
  });
  parentPort?.postMessage({ ready: true, backend: await initBackend(init.backend) });
}

main().catch((e: unknown) => parentPort?.postMessage({ fatal: (e as Error).message }));
