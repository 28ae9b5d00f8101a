/**
 * Queue design. Names, policies and expiry in one place.
 *
 * - train: `stately` keyed by project (singletonKey): at most one queued and
 *   one active training job per project; the database adds its own guard
 *   (one queued/training model_versions row per project). Expiry (3 h) is
 *   above the longest run: the handler aborts itself 10 minutes before it.
 * - recalibrate: `stately` keyed by project; cheap, 15 min expiry.
 * - score: `standard`; one job per id range so several workers share a pool;
 *   upserts make a redelivered range harmless.
 * - labelErrors: `stately` keyed by project, like recalibrate: a 5-fold cross-fit over
 *   every labelled item after each training run (minutes on a large catalogue), so a
 *   generous 1 h expiry. A late job detects for the newest ready version (the one
 *   waiting slot may have dropped that version's own job).
 * - webhook: `standard`, one job per delivery attempt; the delivery row is claimed
 *   before sending, so a duplicate or redelivered job is a no-op. Retries are the
 *   service's own (a new job with startAfter, backoff in the row), not pg-boss's:
 *   the handler records a failed attempt and returns. 2 min expiry > the 10 s request.
 * - tick: `stately`, scheduled every minute: label/schedule triggers, stale
 *   runs, audit checks, hourly snapshots. Every step is idempotent.
 */
import type PgBoss from "pg-boss";
import type { JobName } from "./dispatch";

export const TRAIN_EXPIRE_SECONDS = 3 * 3600;
/** The run gives up this long before pg-boss would expire its job. */
export const TRAIN_ABORT_MARGIN_SECONDS = 600;

export const QUEUE_NAMES = {
  train: "loupe-train",
  recalibrate: "loupe-recalibrate",
  score: "loupe-score",
  labelErrors: "loupe-label-errors",
  webhook: "loupe-webhook",
  tick: "loupe-tick",
} as const;

export const QUEUES: PgBoss.Queue[] = [
  { name: QUEUE_NAMES.train, policy: "stately", expireInSeconds: TRAIN_EXPIRE_SECONDS, retryLimit: 1, retryDelay: 30 },
  { name: QUEUE_NAMES.recalibrate, policy: "stately", expireInSeconds: 900, retryLimit: 2, retryDelay: 30 },
  { name: QUEUE_NAMES.score, policy: "standard", expireInSeconds: 900, retryLimit: 3, retryDelay: 10 },
  { name: QUEUE_NAMES.labelErrors, policy: "stately", expireInSeconds: 3600, retryLimit: 1, retryDelay: 60 },
  { name: QUEUE_NAMES.webhook, policy: "standard", expireInSeconds: 120, retryLimit: 0, retryDelay: 0 },
  { name: QUEUE_NAMES.tick, policy: "stately", expireInSeconds: 600, retryLimit: 0 },
];

export function queueOf(name: JobName): string {
  return QUEUE_NAMES[name];
}

/** Per-job options: singleton keys give the stately policies their per-project scope. */
export function sendOptions(name: JobName, data: { projectId: number; notBeforeMs?: number }): PgBoss.SendOptions {
  const q = QUEUES.find((x) => x.name === queueOf(name));
  if (!q) throw new Error(`no queue for job ${name}`);
  const base: PgBoss.SendOptions = {
    expireInSeconds: q.expireInSeconds,
    retryLimit: q.retryLimit,
    retryDelay: q.retryDelay,
  };
  if (name === "webhook") return data.notBeforeMs ? { ...base, startAfter: new Date(data.notBeforeMs) } : base;
  return name === "score" ? base : { ...base, singletonKey: `project-${data.projectId}` };
}
