/**
 * Worker-thread side of ml/compute.ts: runs compute ops one message at a time (they
 * interleave at their own awaits), asks the parent for a stored model's bytes when its
 * store does not hold it, and reports progress as it goes.
 */
import { parentPort } from "node:worker_threads";
import { initBackend } from "./backend";
import { computeOps, type OpName } from "./compute-ops";
import { ModelStore, type ModelBytes } from "./model-store";
import type { ToParent, ToWorker } from "./compute-protocol";

const port = parentPort;
if (!port) throw new Error("ml/compute-worker.ts runs only as a worker thread");
const send = (m: ToParent, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

const waiting = new Map<string, { resolve: (b: ModelBytes) => void; reject: (e: Error) => void }[]>();
const store = new ModelStore(
  (key) =>
    new Promise<ModelBytes>((resolve, reject) => {
      const list = waiting.get(key) ?? [];
      if (list.length === 0) send({ type: "need", key });
      list.push({ resolve, reject });
      waiting.set(key, list);
    }),
);
const running = new Map<number, AbortController>();

async function call(id: number, op: OpName, payload: unknown): Promise<void> {
  const abort = new AbortController();
  running.set(id, abort);
  try {
    const ctx = {
      store,
      signal: abort.signal,
      onProgress: (progress: unknown) => send({ type: "progress", id, progress }),
    };
    const fn = computeOps[op] as (p: unknown, c: typeof ctx) => Promise<{ value: unknown; transfer: ArrayBuffer[] }>;
    const out = await fn(payload, ctx);
    send({ type: "result", id, value: out.value }, out.transfer);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    send({ type: "error", id, name: err.name, message: err.message });
  } finally {
    running.delete(id);
  }
}

port.on("message", (m: ToWorker) => {
  if (m.type === "call") void call(m.id, m.op, m.payload);
  else if (m.type === "abort") running.get(m.id)?.abort(new Error(m.reason));
  else if (m.type === "model" || m.type === "modelError") {
    const list = waiting.get(m.key) ?? [];
    waiting.delete(m.key);
    for (const w of list) {
      if (m.type === "model") w.resolve({ bytes: m.bytes, sha256: m.sha256 });
      else w.reject(new Error(m.message));
    }
  }
});

initBackend()
  .then((backend) => send({ type: "ready", backend }))
  .catch((e: unknown) => send({ type: "fatal", message: e instanceof Error ? e.message : String(e) }));
