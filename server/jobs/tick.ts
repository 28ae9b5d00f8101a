/**
 * The periodic check (every minute, cluster-wide through a pg-boss schedule):
 * repairs what a dead process left behind and fires label/schedule triggers.
 * Every step is idempotent, so an extra tick changes nothing.
 */
import { and, eq, isNull, lt } from "drizzle-orm";
import type PgBoss from "pg-boss";
import type { Db } from "@/db/client";
import { env } from "@/server/env";
import { calibrations, modelVersions, projects } from "@/db/schema";
import { pruneAuthRecords } from "@/server/services/auth";
import { onAuditRecorded } from "@/server/services/auto-accept";
import { maybeHourlySnapshot } from "@/server/services/metrics";
import { webhookTick } from "@/server/services/webhooks";
import { failStaleRuns, listQueuedRuns, maybeScheduledRetrain, maybeTriggerRetrain } from "@/server/services/training";
import { dispatchJob } from "./dispatch";
import { orphanedTrainJobs } from "./orphans";
import { QUEUE_NAMES } from "./queues";

/** No heartbeat for this long = the training worker is gone (LOUPE_STALE_RUN_MS; a live run beats six times within it). */
export function staleRunMs(): number {
  return env().LOUPE_STALE_RUN_MS;
}
/** Recalibration on a schedule, when the current calibration is older than this. */
export const RECALIBRATE_EVERY_MS = 24 * 3600_000;

export type TickOptions = { staleRunMs?: number; now?: Date };

/** Fails dead runs (releasing their jobs) and sends queued runs' jobs again; idempotent, so any worker may run it at any time. */
export async function repairRuns(db: Db, boss: PgBoss | null, staleMs: number) {
  for (const s of await failStaleRuns(db, staleMs)) {
    // The dead worker's job would hold the project's stately slot until expiry: release it.
    if (boss && s.jobId) await boss.fail(QUEUE_NAMES.train, s.jobId, { reason: "stale run" }).catch(() => {});
  }
  // Cancelled, not failed: a retry would only find its run finished. A queued run gets a new job below.
  if (boss)
    for (const id of await orphanedTrainJobs(db, staleMs)) await boss.cancel(QUEUE_NAMES.train, id).catch(() => {});
  for (const q of await listQueuedRuns(db)) await dispatchJob("train", q);
}

async function staleCalibrations(db: Db, now: Date): Promise<number[]> {
  const rows = await db
    .select({ projectId: projects.id })
    .from(projects)
    .innerJoin(modelVersions, eq(modelVersions.id, projects.activeModelVersionId))
    .innerJoin(calibrations, eq(calibrations.id, modelVersions.currentCalibrationId))
    .where(
      and(isNull(projects.archivedAt), lt(calibrations.createdAt, new Date(now.getTime() - RECALIBRATE_EVERY_MS))),
    );
  return rows.map((r) => r.projectId);
}

async function projectChecks(db: Db, projectId: number, now: Date) {
  // One run at a time: the schedule is asked only when the label count did not start one.
  if (!(await maybeTriggerRetrain(db, projectId))) await maybeScheduledRetrain(db, projectId, now);
  await onAuditRecorded(db, projectId);
  await maybeHourlySnapshot(db, projectId, now);
}

export async function runTick(db: Db, boss: PgBoss | null, o: TickOptions = {}) {
  const now = o.now ?? new Date();
  await repairRuns(db, boss, o.staleRunMs ?? staleRunMs());
  // Archived projects keep their history and do nothing more.
  const ids = await db.select({ id: projects.id }).from(projects).where(isNull(projects.archivedAt));
  for (const { id } of ids) {
    await projectChecks(db, id, now).catch((err) => console.error(`[tick] project ${id}:`, err));
  }
  for (const projectId of await staleCalibrations(db, now))
    await dispatchJob("recalibrate", { projectId, reason: "schedule", actorId: null });
  await webhookTick(db, now).catch((err) => console.error("[tick] webhooks:", err));
  await pruneAuthRecords(db, { now }).catch((err) => console.error("[tick] pruning sessions:", err));
}
