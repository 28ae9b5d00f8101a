/**
 * A training run from claim to activation. Idempotent under redelivery:
 * only a 'queued' row can be claimed; a redelivered job that finds its row
 * 'training' knows the earlier attempt died and fails it; anything else is a no-op.
 */
import { returned } from "@/db/rows";
import { and, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { calibrations, modelVersions } from "@/db/schema";
import type { TrainProgress } from "@/ml/train";
import { recordAudit } from "@/server/services/audit";
import { emitWebhookEvent, sendProjectDeliveries } from "@/server/services/webhooks";
import { activateVersion, gateDecision } from "@/server/services/models";
import { activeVersionId, deleteArtifact, writeArtifact } from "@/server/services/models";
import { takeMetricSnapshot } from "@/server/services/metrics";
import { trainAndEvaluate, type PipelineResult } from "./pipeline";
import { getProjectSettings } from "@/server/services/projects";
import { dispatchJob } from "@/server/jobs/dispatch";
import { dbNow, startHeartbeat } from "./heartbeat";

export type RunOptions = {
  epochs?: number;
  signal?: AbortSignal;
  /** pg-boss job id, kept so a stale-run sweep can fail that job. */ jobId?: string;
  /** How often the running row beats (heartbeatEvery of the stale threshold); unset: only progress beats. */
  heartbeatMs?: number;
};
export type RunOutcome = {
  outcome: "ready" | "failed" | "noop";
  versionId: number;
  activated?: boolean;
  error?: string;
};

async function claim(db: Db, versionId: number, jobId: string | undefined) {
  const [row] = await db
    .update(modelVersions)
    .set({ status: "training", startedAt: new Date(), heartbeatAt: dbNow, progress: { phase: "starting", jobId } })
    .where(and(eq(modelVersions.id, versionId), eq(modelVersions.status, "queued")))
    .returning({ projectId: modelVersions.projectId, version: modelVersions.version });
  return row ?? null;
}

export async function failRun(db: Db, versionId: number, error: string): Promise<boolean> {
  const failed = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(modelVersions)
      .set({ status: "failed", error: error.slice(0, 2000), finishedAt: new Date(), progress: { phase: "failed" } })
      .where(and(eq(modelVersions.id, versionId), eq(modelVersions.status, "training")))
      .returning({ projectId: modelVersions.projectId, version: modelVersions.version });
    if (!row) return null;
    await recordAudit(tx, {
      projectId: row.projectId,
      actorId: null,
      action: "model.run_failed",
      entityType: "model_version",
      entityId: versionId,
      after: { error },
    });
    const data = { versionId, version: row.version, error: error.slice(0, 500) };
    await emitWebhookEvent(tx, { projectId: row.projectId, type: "training.failed", data });
    return row;
  });
  if (failed) await sendProjectDeliveries(db, failed.projectId);
  return failed !== null;
}

/** Progress writes are chained so they land in order and the run can wait for the last one. */
function progressWriter(db: Db, versionId: number, jobId: string | undefined) {
  let chain: Promise<unknown> = Promise.resolve();
  const write = (p: TrainProgress) => {
    const progress = {
      jobId,
      phase: p.phase,
      epoch: p.epoch || undefined,
      epochs: p.epochs || undefined,
      loss: Number.isFinite(p.loss) && p.phase === "train" ? p.loss : undefined,
    };
    chain = chain
      .then(() =>
        db
          .update(modelVersions)
          .set({ progress, heartbeatAt: dbNow })
          .where(and(eq(modelVersions.id, versionId), eq(modelVersions.status, "training"))),
      )
      .catch((err) => console.error("[train] progress write failed:", err));
  };
  return { write, flush: () => chain };
}

function metricsOf(r: PipelineResult, gate: ReturnType<typeof gateDecision>) {
  const summary = {
    accuracy: r.gold.n ? r.gold.accuracy : null,
    macroF1: r.gold.n ? r.gold.macroF1 : null,
    ece: r.gold.n ? r.gold.ece : null,
    coverageAtTarget: r.gold.coverageAtTarget,
  };
  return {
    summary,
    gold: r.gold,
    curve: r.thresholds.curve,
    thresholds: {
      global: r.thresholds.global,
      perClass: r.thresholds.perClass,
      perClassSource: r.thresholds.perClassSource,
      reason: r.thresholds.reason ?? null,
    },
    calibration: r.calibration,
    splits: r.splits,
    baseline: r.baseline,
    gate,
    warmStartedFrom: r.warmStartedFrom,
  };
}

/** Stores the version as ready with its first calibration, unless it was failed meanwhile (then nothing changes). */
async function storeReady(
  db: Db,
  versionId: number,
  projectId: number,
  r: PipelineResult,
  metrics: ReturnType<typeof metricsOf>,
): Promise<boolean> {
  return db
    .transaction(async (tx) => {
      const [cal] = await tx
        .insert(calibrations)
        .values({
          projectId,
          modelVersionId: versionId,
          kind: "training",
          params: { ...r.calibration },
          thresholds: {
            global: r.thresholds.global,
            perClass: r.thresholds.perClass,
            targetPrecision: r.thresholds.targetPrecision,
            reason: r.thresholds.reason ?? null,
          },
          metrics: { ece: r.gold.ece, coverageAtTarget: r.gold.coverageAtTarget, n: r.gold.n, evidence: r.evidence },
        })
        .returning({ id: calibrations.id });
      const [row] = await tx
        .update(modelVersions)
        .set({
          status: "ready",
          artifactSha256: r.artifact.sha256,
          backend: r.backend,
          trainMs: r.trainMs,
          labelCount: r.labelCount,
          datasetHash: r.datasetHash,
          categoryIds: r.categoryIds,
          metrics,
          currentCalibrationId: returned(cal ? [cal] : [], "training calibration").id,
          finishedAt: new Date(),
          progress: { phase: "done" },
        })
        .where(and(eq(modelVersions.id, versionId), eq(modelVersions.status, "training")))
        .returning({ id: modelVersions.id });
      // Failed meanwhile (stale sweep): roll the calibration row back too.
      if (!row) tx.rollback();
      await recordAudit(tx, {
        projectId,
        actorId: null,
        action: "model.trained",
        entityType: "model_version",
        entityId: versionId,
        after: { summary: metrics.summary, gate: metrics.gate },
      });
      return true;
    })
    .catch((err: unknown) => {
      if (err instanceof Error && err.message.includes("Rollback")) return false;
      throw err;
    });
}

export async function runTraining(db: Db, versionId: number, opts: RunOptions = {}): Promise<RunOutcome> {
  const run = await claim(db, versionId, opts.jobId);
  if (!run) {
    const failed = await failRun(
      db,
      versionId,
      "The previous attempt of this job stopped before finishing (job retried or expired)",
    );
    return { outcome: failed ? "failed" : "noop", versionId };
  }
  const progress = progressWriter(db, versionId, opts.jobId);
  const stopBeating = opts.heartbeatMs ? startHeartbeat(db, versionId, opts.heartbeatMs) : async () => {};
  try {
    const settings = await getProjectSettings(db, { projectId: run.projectId });
    const r = await trainAndEvaluate(
      db,
      { ...run, targetPrecision: settings.precisionTarget },
      { ...opts, onProgress: progress.write },
    );
    await progress.flush();
    const hasActive = (await activeVersionId(db, run.projectId)) !== null;
    const gate = gateDecision({
      hasActive,
      margin: settings.activationMargin,
      evidence: r.comparison,
      automation: r.automation,
    });
    // Parts first, in statements of their own; the version becomes ready (with the sha256 they are checked against) after.
    await writeArtifact(db, versionId, r.artifact.bytes);
    if (!(await storeReady(db, versionId, run.projectId, r, metricsOf(r, gate)))) {
      await deleteArtifact(db, versionId);
      return { outcome: "noop", versionId };
    }
    await dispatchJob("labelErrors", { projectId: run.projectId, versionId });
    if (gate.passed)
      await activateVersion(db, { projectId: run.projectId, versionId, actorId: null, reason: "auto", details: gate });
    await takeMetricSnapshot(db, run.projectId, "training");
    return { outcome: "ready", versionId, activated: gate.passed };
  } catch (err) {
    await progress.flush();
    const message = err instanceof Error ? err.message : String(err);
    await failRun(db, versionId, message);
    return { outcome: "failed", versionId, error: message };
  } finally {
    await stopBeating();
  }
}
