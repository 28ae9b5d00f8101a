/**
 * Asking for a training run. The database guarantees one queued-or-training
 * run per project (partial unique index model_versions_one_run_uq): twenty
 * clicks, a label trigger and the schedule all land on the same row.
 */
import { and, desc, eq, gt, inArray, lt, or, sql, isNull } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { labels, modelVersions } from "@/db/schema";
import { dispatchJob } from "@/server/jobs/dispatch";
import { recordAudit } from "@/server/services/audit";
import { emitWebhookEvent, sendProjectDeliveries } from "@/server/services/webhooks";
import { getProjectSettings } from "@/server/services/projects";

type Trigger = (typeof modelVersions.$inferSelect)["trigger"];
export type TrainRequest = { projectId: number; trigger: Trigger; actorId: number | null };

const runCols = {
  id: modelVersions.id,
  version: modelVersions.version,
  status: modelVersions.status,
  trigger: modelVersions.trigger,
};

async function openRun(db: DbOrTx, projectId: number) {
  const [run] = await db
    .select(runCols)
    .from(modelVersions)
    .where(and(eq(modelVersions.projectId, projectId), inArray(modelVersions.status, ["queued", "training"])))
    .limit(1);
  return run ?? null;
}

/** Returns the project's one open run, creating it if there is none; then sends its job. */
export async function requestTraining(
  db: Db,
  req: TrainRequest,
): Promise<{ versionId: number; version: number; created: boolean }> {
  await getProjectSettings(db, { projectId: req.projectId });
  const created = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(modelVersions)
      .values({
        projectId: req.projectId,
        version: sql`(select coalesce(max(${modelVersions.version}), 0) + 1 from ${modelVersions}
          where ${modelVersions.projectId} = ${req.projectId})`,
        trigger: req.trigger,
        status: "queued",
        createdById: req.actorId,
        progress: { phase: "queued" },
      })
      .onConflictDoNothing()
      .returning(runCols);
    if (row) {
      await recordAudit(tx, {
        projectId: req.projectId,
        actorId: req.actorId,
        action: "model.train_requested",
        entityType: "model_version",
        entityId: row.id,
        after: row,
      });
    }
    return row ?? null;
  });
  const run = created ?? (await openRun(db, req.projectId));
  // The open run finished between the failed insert and the read: ask again once.
  if (!run) return requestTraining(db, req);
  await dispatchJob("train", { projectId: req.projectId, versionId: run.id });
  return { versionId: run.id, version: run.version, created: created !== null };
}

async function lastRunAt(db: DbOrTx, projectId: number): Promise<Date | null> {
  const [last] = await db
    .select({ createdAt: modelVersions.createdAt })
    .from(modelVersions)
    .where(and(eq(modelVersions.projectId, projectId), inArray(modelVersions.status, ["queued", "training", "ready"])))
    .orderBy(desc(modelVersions.createdAt))
    .limit(1);
  return last?.createdAt ?? null;
}

async function humanLabelsSince(db: DbOrTx, projectId: number, since: Date | null): Promise<number> {
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(labels)
    .where(
      and(eq(labels.projectId, projectId), eq(labels.source, "human"), since ? gt(labels.updatedAt, since) : undefined),
    );
  return r?.n ?? 0;
}

/**
 * Call after human labels change (the annotations service does): starts a run
 * once settings.retrainEveryLabels new human labels exist since the last run.
 */
export async function maybeTriggerRetrain(db: Db, projectId: number): Promise<{ versionId: number } | null> {
  const s = await getProjectSettings(db, { projectId });
  if (s.retrainEveryLabels <= 0 || (await openRun(db, projectId))) return null;
  const since = await lastRunAt(db, projectId);
  if ((await humanLabelsSince(db, projectId, since)) < s.retrainEveryLabels) return null;
  const r = await requestTraining(db, { projectId, trigger: since ? "labels" : "initial", actorId: null });
  return { versionId: r.versionId };
}

/** Schedule trigger: every retrainScheduleMinutes, if any human label arrived since the last run. */
export async function maybeScheduledRetrain(
  db: Db,
  projectId: number,
  now = new Date(),
): Promise<{ versionId: number } | null> {
  const s = await getProjectSettings(db, { projectId });
  if (s.retrainScheduleMinutes <= 0 || (await openRun(db, projectId))) return null;
  const since = await lastRunAt(db, projectId);
  if (since && now.getTime() - since.getTime() < s.retrainScheduleMinutes * 60_000) return null;
  if ((await humanLabelsSince(db, projectId, since)) === 0) return null;
  const r = await requestTraining(db, { projectId, trigger: "schedule", actorId: null });
  return { versionId: r.versionId };
}

/** A 'training' row whose worker stopped beating is failed, never left to block the project. */
export async function failStaleRuns(
  db: Db,
  staleAfterMs: number,
): Promise<{ versionId: number; jobId: string | null }[]> {
  // The database's clock, as the heartbeats are written: workers on other hosts may disagree about the time.
  const cutoff = sql`now() - make_interval(secs => ${staleAfterMs / 1000})`;
  const failed = await db.transaction(async (tx) => {
    const rows = await tx
      .update(modelVersions)
      .set({
        status: "failed",
        error: "The training worker stopped (no heartbeat)",
        finishedAt: new Date(),
        // Keep the job id: the tick fails that pg-boss job so the project's queue is not blocked until expiry.
        progress: sql`jsonb_build_object('phase', 'failed', 'jobId', ${modelVersions.progress}->>'jobId')`,
      })
      .where(
        and(
          eq(modelVersions.status, "training"),
          or(
            lt(modelVersions.heartbeatAt, cutoff),
            and(isNull(modelVersions.heartbeatAt), lt(modelVersions.startedAt, cutoff)),
          ),
        ),
      )
      .returning({
        id: modelVersions.id,
        projectId: modelVersions.projectId,
        version: modelVersions.version,
        jobId: sql<string | null>`${modelVersions.progress}->>'jobId'`,
      });
    for (const r of rows) {
      await recordAudit(tx, {
        projectId: r.projectId,
        actorId: null,
        action: "model.run_failed",
        entityType: "model_version",
        entityId: r.id,
        after: { reason: "stale" },
      });
      const error = "The training worker stopped (no heartbeat)";
      await emitWebhookEvent(tx, {
        projectId: r.projectId,
        type: "training.failed",
        data: { versionId: r.id, version: r.version, error },
      });
    }
    return rows;
  });
  for (const projectId of new Set(failed.map((r) => r.projectId))) await sendProjectDeliveries(db, projectId);
  return failed.map((r) => ({ versionId: r.id, jobId: r.jobId }));
}

/** Queued runs (whose job may never have been sent) for the tick to dispatch again. */
export async function listQueuedRuns(db: Db): Promise<{ projectId: number; versionId: number }[]> {
  return db
    .select({ projectId: modelVersions.projectId, versionId: modelVersions.id })
    .from(modelVersions)
    .where(eq(modelVersions.status, "queued"));
}
