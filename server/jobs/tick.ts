/**
 * The periodic check (every minute, cluster-wide through a pg-boss schedule):
 * repairs what a dead process left behind and fires label/schedule triggers.
 * Every step is idempotent, so an extra tick changes nothing.
 */
import { and, eq, isNull, lt } from "drizzle-orm";
import type PgBoss from "pg-boss";
import type { Db } from "@/db/client";
import { calibrations, modelVersions, projects } from "@/db/schema";
import { pruneAuthRecords } from "@/server/services/auth";
import { onAuditRecorded } from "@/server/services/auto-accept";
import { maybeHourlySnapshot } from "@/server/services/metrics";
import { failStaleRuns, listQueuedRuns, maybeScheduledRetrain, maybeTriggerRetrain } from "@/server/services/training";
import { dispatchJob } from "./dispatch";
import { QUEUE_NAMES } from "./queues";

/** No heartbeat for this long = the training worker is gone (an epoch beats well within it). */
export const STALE_RUN_MS = 10 * 60_000;
/** Recalibration on a schedule, when the current calibration is older than this. */
export const RECALIBRATE_EVERY_MS = 24 * 3600_000;

export type TickOptions = { staleRunMs?: number; now?: Date };

async function repairRuns(db: Db, boss: PgBoss | null, staleMs: number) {
  for (const s of await failStaleRuns(db, staleMs)) {
    // The dead worker's job would hold the project's stately slot until expiry: release it.
    if (boss && s.jobId) await boss.fail(QUEUE_NAMES.train, s.jobId, { reason: "stale run" }).catch(() => {});
  }
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
  await repairRuns(db, boss, o.staleRunMs ?? STALE_RUN_MS);
  // Archived projects keep their history and do nothing more.
  const ids = await db.select({ id: projects.id }).from(projects).where(isNull(projects.archivedAt));
  for (const { id } of ids) {
    await projectChecks(db, id, now).catch((err) => console.error(`[tick] project ${id}:`, err));
  }
  for (const projectId of await staleCalibrations(db, now))
    await dispatchJob("recalibrate", { projectId, reason: "schedule", actorId: null });
  await pruneAuthRecords(db, { now }).catch((err) => console.error("[tick] pruning sessions:", err));
}
