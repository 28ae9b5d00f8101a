/**
 * Activation: one transaction swaps projects.active_model_version_id and
 * records the audit event; only ready (complete, sha256-stored) versions qualify.
 */
import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { modelVersions, projects } from "@/db/schema";
import { ConflictError, NotFoundError } from "@/server/errors";
import { recordAudit } from "@/server/services/audit";
import { emitWebhookEvent, sendProjectDeliveries } from "@/server/services/webhooks";
import { planScoring } from "./rescore-plan";

export type ActivationReason = "auto" | "manual" | "rollback";

export async function activateVersion(
  db: Db,
  p: { projectId: number; versionId: number; actorId: number | null; reason: ActivationReason; details?: unknown },
) {
  let announced = 0;
  const result = await db.transaction(async (tx) => {
    // Row lock: two activations of one project serialise instead of interleaving.
    const [proj] = await tx
      .select({ active: projects.activeModelVersionId })
      .from(projects)
      .where(eq(projects.id, p.projectId))
      .for("update");
    if (!proj) throw new NotFoundError("Project");
    const [v] = await tx
      .select({
        id: modelVersions.id,
        version: modelVersions.version,
        status: modelVersions.status,
        calibrationId: modelVersions.currentCalibrationId,
      })
      .from(modelVersions)
      .where(and(eq(modelVersions.id, p.versionId), eq(modelVersions.projectId, p.projectId)));
    if (!v) throw new NotFoundError("Model version");
    if (v.status !== "ready")
      throw new ConflictError(`Version ${v.version} is ${v.status}; only ready versions can be activated`);
    if (proj.active === v.id) return { versionId: v.id, calibrationId: v.calibrationId, changed: false };
    await tx.update(projects).set({ activeModelVersionId: v.id }).where(eq(projects.id, p.projectId));
    await recordAudit(tx, {
      projectId: p.projectId,
      actorId: p.actorId,
      action: p.reason === "rollback" ? "model.rollback" : "model.activate",
      entityType: "model_version",
      entityId: v.id,
      before: { activeModelVersionId: proj.active },
      after: { activeModelVersionId: v.id, reason: p.reason, details: p.details ?? null },
    });
    const deliveries = await emitWebhookEvent(tx, {
      projectId: p.projectId,
      type: p.reason === "rollback" ? "model.rolled_back" : "model.activated",
      data: { versionId: v.id, version: v.version, previousVersionId: proj.active, reason: p.reason },
    });
    announced = deliveries.length;
    return { versionId: v.id, calibrationId: v.calibrationId, changed: true };
  });
  if (announced > 0) await sendProjectDeliveries(db, p.projectId);
  if (result.changed)
    await planScoring(db, { projectId: p.projectId, versionId: result.versionId, calibrationId: result.calibrationId });
  return result;
}

/** Rolls back to `versionId`, or to the newest ready version older than the active one. */
export async function rollbackVersion(
  db: Db,
  p: { projectId: number; versionId?: number; actorId: number | null /* null: the command line */ },
) {
  let target = p.versionId;
  if (target === undefined) {
    const [active] = await db
      .select({ version: modelVersions.version })
      .from(projects)
      .innerJoin(modelVersions, eq(modelVersions.id, projects.activeModelVersionId))
      .where(eq(projects.id, p.projectId));
    const [prev] = await db
      .select({ id: modelVersions.id })
      .from(modelVersions)
      .where(
        and(
          eq(modelVersions.projectId, p.projectId),
          eq(modelVersions.status, "ready"),
          active ? lt(modelVersions.version, active.version) : sql`true`,
        ),
      )
      .orderBy(desc(modelVersions.version))
      .limit(1);
    if (!prev) throw new ConflictError("There is no earlier ready version to roll back to");
    target = prev.id;
  }
  return activateVersion(db, { projectId: p.projectId, versionId: target, actorId: p.actorId, reason: "rollback" });
}
