/**
 * Progressive autonomy, the way back: when audits show the active version's
 * auto-accepts miss the precision target, thresholds rise at once and every
 * auto label of that version goes back to review, in one transaction.
 */
import { revokeVersionAutoLabels } from "@/server/services/labels";
import { and, eq, gte, inArray, isNotNull, max } from "drizzle-orm";
import type { Db, DbOrTx, Tx } from "@/db/client";
import { annotations, calibrations, modelVersions, projects } from "@/db/schema";
import { dispatchJob } from "@/server/jobs/dispatch";
import { recordAudit } from "@/server/services/audit";
import { auditedPrecision, type AuditedPrecision } from "@/server/services/metrics";
import { auditsFail } from "./audit-failure-rule";
import { applyCalibration } from "@/server/services/calibration";
import { currentCalibration } from "@/server/services/models";
import { getProjectSettings } from "@/server/services/projects";
import { emitWebhookEvent, sendProjectDeliveries } from "@/server/services/webhooks";

/** Audits since the last calibration after which a recalibration job is sent. */
export const RECALIBRATE_EVERY_AUDITS = 50;
const EPS = 1e-6;

async function activeInfo(db: DbOrTx, projectId: number) {
  const [v] = await db
    .select({ id: modelVersions.id, categoryIds: modelVersions.categoryIds })
    .from(projects)
    .innerJoin(modelVersions, eq(modelVersions.id, projects.activeModelVersionId))
    .where(eq(projects.id, projectId));
  if (!v?.categoryIds) return null;
  const cal = await currentCalibration(db, projectId, v.id);
  return cal ? { versionId: v.id, categoryIds: v.categoryIds, cal } : null;
}

type Active = NonNullable<Awaited<ReturnType<typeof activeInfo>>>;

/**
 * Where the audit test's evidence starts: the version's first calibration or its
 * last tightening, whichever is later. Routine recalibrations do not restart it
 * (the sequential test stays valid over any number of audits, and restarting
 * every 50 audits would cap what it can ever see); a tightening does, since the
 * rule has fired and acted.
 */
async function testWindowStart(db: DbOrTx, a: Active): Promise<Date> {
  const [row] = await db
    .select({ at: max(calibrations.createdAt) })
    .from(calibrations)
    .where(and(eq(calibrations.modelVersionId, a.versionId), inArray(calibrations.kind, ["training", "tighten"])));
  return row?.at ? new Date(row.at) : a.cal.createdAt;
}

async function failedAudits(db: DbOrTx, projectId: number, versionId: number, since: Date) {
  return db
    .select({ categoryId: annotations.suggestedCategoryId, confidence: annotations.suggestedConfidence })
    .from(annotations)
    .where(
      and(
        eq(annotations.projectId, projectId),
        eq(annotations.reason, "audit"),
        eq(annotations.modelVersionId, versionId),
        inArray(annotations.action, ["correct", "reject"]),
        gte(annotations.createdAt, since),
        isNotNull(annotations.suggestedCategoryId),
      ),
    );
}

/** Raised thresholds: above every failed audit's confidence in its class; halfway to 1 when that is unknown. */
export function tightened(
  perClass: readonly (number | null)[],
  categoryIds: number[],
  failed: { categoryId: number | null; confidence: number | null }[],
): (number | null)[] {
  const out = [...perClass];
  const raise = (i: number, floor: number) => {
    const old = out[i];
    if (old === null || old === undefined) return;
    const t = Math.max(old, floor);
    out[i] = t >= 1 ? null : t;
  };
  for (const f of failed) {
    const i = categoryIds.indexOf(f.categoryId ?? -1);
    if (i < 0) continue;
    const old = out[i] ?? 1;
    raise(i, f.confidence !== null ? f.confidence + EPS : old + (1 - old) / 2);
  }
  // The aggregate failed but no class moved (audits without a recorded suggestion): raise all.
  if (out.every((t, i) => t === perClass[i])) out.forEach((t, i) => t !== null && raise(i, t + (1 - t) / 2));
  return out;
}

async function revokeAutoLabels(tx: Tx, projectId: number, versionId: number, stats: AuditedPrecision) {
  const gone = await revokeVersionAutoLabels(tx, { projectId, versionId });
  await recordAudit(tx, {
    projectId,
    actorId: null,
    action: "labels.auto_revoked",
    entityType: "model_version",
    entityId: versionId,
    after: {
      reason: "audit_failure",
      count: gone.length,
      itemIds: gone.slice(0, 1000),
      audits: stats,
    },
  });
  const deliveries = await emitWebhookEvent(tx, {
    projectId,
    type: "audit.failed",
    data: {
      versionId,
      audits: stats,
      revokedAutoLabels: gone.length,
      action: "thresholds raised; the version's auto labels went back to review",
    },
  });
  return { revoked: gone.length, announced: deliveries.length };
}

export async function tightenAfterAuditFailure(
  db: Db,
  projectId: number,
  a: Active,
  stats: AuditedPrecision,
  since: Date,
) {
  const failed = await failedAudits(db, projectId, a.versionId, since);
  const perClass = tightened(a.cal.thresholds.perClass, a.categoryIds, failed);
  const raised = perClass.filter((t): t is number => t !== null);
  const global =
    a.cal.thresholds.global === null ? null : raised.length ? Math.max(a.cal.thresholds.global, ...raised) : null;
  let revoked = { revoked: 0, announced: 0 };
  const calibrationId = await applyCalibration(db, {
    projectId,
    versionId: a.versionId,
    previousId: a.cal.id,
    actorId: null,
    kind: "tighten",
    params: a.cal.params,
    thresholds: { global, perClass },
    metrics: { reason: "audit_failure", audits: stats, before: a.cal.thresholds },
    also: async (tx) => void (revoked = await revokeAutoLabels(tx, projectId, a.versionId, stats)),
  });
  if (revoked.announced > 0) await sendProjectDeliveries(db, projectId);
  return { calibrationId, perClass, revoked: revoked.revoked };
}

/** Call after an audit decision is stored (the annotations service does; the worker tick does too). */
export async function onAuditRecorded(db: Db, projectId: number) {
  const a = await activeInfo(db, projectId);
  if (!a) return { action: "none" as const };
  const settings = await getProjectSettings(db, { projectId });
  const since = await testWindowStart(db, a);
  const stats = await auditedPrecision(db, projectId, a.versionId, since);
  if (auditsFail(stats, settings.precisionTarget)) {
    const t = await tightenAfterAuditFailure(db, projectId, a, stats, since);
    return { action: "tightened" as const, stats, ...t };
  }
  const sinceCalibration =
    since >= a.cal.createdAt ? stats : await auditedPrecision(db, projectId, a.versionId, a.cal.createdAt);
  if (sinceCalibration.n >= RECALIBRATE_EVERY_AUDITS) {
    await dispatchJob("recalibrate", { projectId, reason: "audits", actorId: null });
    return { action: "recalibrate" as const, stats };
  }
  return { action: "none" as const, stats };
}
