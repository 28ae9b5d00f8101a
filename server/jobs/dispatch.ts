/**
 * Where services hand work to the job queue without knowing pg-boss.
 * The running worker registers a sender; without one (a web process with the
 * worker off, or a test) nothing is lost: the database row (a queued model
 * version) is the source of truth and the worker's periodic tick dispatches it.
 */
import type { JobData, JobName } from "./payloads";

export type { JobData, JobName } from "./payloads";
export type JobSender = <N extends JobName>(name: N, data: JobData[N]) => Promise<void>;

const g = globalThis as unknown as { __loupeJobSender?: JobSender | null };

export function setJobSender(sender: JobSender | null): void {
  g.__loupeJobSender = sender;
}

/** Best effort: a failed send is repaired by the tick, so callers never fail because of it. */
export async function dispatchJob<N extends JobName>(name: N, data: JobData[N]): Promise<boolean> {
  const sender = g.__loupeJobSender;
  if (!sender) return false;
  try {
    await sender(name, data);
    return true;
  } catch (err) {
    console.error(`[jobs] could not send ${name}:`, err);
    return false;
  }
}
