/**
 * The evaluation share the queue uses, kept per database and project for a
 * short while: it moves with the gold count, which changes slowly, and the
 * queue must not count the gold set on every call. A stale share changes how
 * many evaluation slots a batch gets for a few seconds, never which item an
 * evaluation slot may take (always a uniform draw).
 */
import type { DbOrTx } from "@/db/client";
import { getEvaluationStatus } from "./status";

const FRESH_MS = 30_000;
type Entry = { at: number; rate: Promise<number> };
const g = globalThis as unknown as { __loupeEvaluationRates?: WeakMap<object, Map<number, Entry>> };
const byDb = (g.__loupeEvaluationRates ??= new WeakMap());

export function currentEvaluationRate(db: DbOrTx, projectId: number, now = Date.now()): Promise<number> {
  let perProject = byDb.get(db);
  if (!perProject) byDb.set(db, (perProject = new Map()));
  const hit = perProject.get(projectId);
  if (hit && now - hit.at < FRESH_MS) return hit.rate;
  const rate = getEvaluationStatus(db, { projectId }).then((s) => s.evaluationRate.rate);
  perProject.set(projectId, { at: now, rate });
  rate.catch(() => perProject.delete(projectId));
  return rate;
}

/** Settings changed or a model was activated: the next queue call recomputes the share. */
export function forgetEvaluationRate(db: DbOrTx, projectId: number): void {
  byDb.get(db)?.delete(projectId);
}
