/** Jobs entry points: the in-process worker for the demo, and the pieces `scripts/worker.ts` uses. */
import { getDbHandle } from "@/server/db";
import { startWorker, type RunningWorker } from "./runner";

export { startWorker, type RunningWorker, type WorkerOptions } from "./runner";
export { dispatchJob, setJobSender } from "./dispatch";

const g = globalThis as unknown as { __loupeInlineWorker?: Promise<RunningWorker> };

/**
 * Starts the worker inside this process (LOUPE_WORKER=inline; the Next.js
 * instrumentation hook calls it). Cached on globalThis: dev reloads must not
 * start a second pg-boss on the same PGlite.
 */
export function startInlineWorker(): Promise<RunningWorker> {
  g.__loupeInlineWorker ??= (async () => startWorker(await getDbHandle()))();
  return g.__loupeInlineWorker;
}

/** Stops the inline worker if this process started one (server shutdown): running jobs get up to 10 s. */
export async function stopInlineWorker(): Promise<void> {
  const running = g.__loupeInlineWorker;
  if (!running) return;
  g.__loupeInlineWorker = undefined;
  await (await running).stop();
}
