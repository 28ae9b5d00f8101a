/**
 * What a stored human decision sets off: a retrain once enough new labels
 * exist, and (for audits) the precision check that tightens thresholds at
 * once. Runs after the response, coalesced per project so a burst of
 * submits costs one check; the worker's minute tick repeats both checks, so
 * a check lost here (process exit) is only late, never missed.
 */
import type { Db } from "@/db/client";
import { onAuditRecorded } from "@/server/services/auto-accept";
import { maybeTriggerRetrain } from "@/server/services/training";

type State = { running: boolean; again: boolean; audit: boolean; done?: Promise<void> };
const g = globalThis as unknown as { __loupeFollowups?: Map<number, State> };
const states = (g.__loupeFollowups ??= new Map());

export function afterDecisions(db: Db, projectId: number, opts: { audit: boolean }): Promise<void> {
  const s = states.get(projectId) ?? { running: false, again: false, audit: false };
  states.set(projectId, s);
  s.audit ||= opts.audit;
  if (s.running) {
    s.again = true;
    return Promise.resolve();
  }
  s.done = run(db, projectId, s);
  return s.done;
}

/** Resolves when every check in flight has finished (tests, graceful shutdown). */
export async function settleFollowups(): Promise<void> {
  await Promise.all([...states.values()].map((s) => s.done));
}

async function run(db: Db, projectId: number, s: State): Promise<void> {
  s.running = true;
  try {
    do {
      s.again = false;
      const audit = s.audit;
      s.audit = false;
      if (audit) await onAuditRecorded(db, projectId);
      await maybeTriggerRetrain(db, projectId);
    } while (s.again);
  } catch (err) {
    console.error(`[followups] project ${projectId}:`, err instanceof Error ? err.message : err);
  } finally {
    s.running = false;
    states.delete(projectId);
  }
}
