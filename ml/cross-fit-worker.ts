/** A cross-fitting worker thread: trains the folds it is sent and returns their held-out logits. */
import { parentPort, workerData } from "node:worker_threads";
import { initBackend } from "./backend";
import { type FoldJob, type FoldReply, trainFold } from "./cross-fit-fold";

const { backend } = workerData as { backend: string };
const ready = initBackend(backend === "tensorflow" || backend === "wasm" || backend === "cpu" ? backend : "auto");

parentPort?.on("message", async (job: FoldJob) => {
  try {
    await ready;
    const r = await trainFold(job);
    parentPort?.postMessage({ fold: job.fold, ...r } satisfies FoldReply, [r.logits.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort?.postMessage({ fold: job.fold, error: (e as Error).message } satisfies FoldReply);
  }
});
