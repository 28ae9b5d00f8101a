/**
 * Auto-accept: a pool item with no human/import label whose calibrated
 * confidence clears its class threshold gets an `auto` label. The database
 * statements themselves refuse to touch human/import labels (conflict update
 * and delete are both guarded by source = 'auto'), so a racing human decision wins.
 */
import { and, between, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { categories, items, labels, predictions } from "@/db/schema";
import { recordAudit } from "./audit";
import type { LoadedVersion } from "./models-load";

export function thresholdFor(v: Pick<LoadedVersion, "categoryIds" | "perClass">, categoryId: number): number | null {
  const i = v.categoryIds.indexOf(categoryId);
  return i < 0 ? null : (v.perClass[i] ?? null);
}

/** Never true below the class threshold; a null threshold certifies nothing. */
export function clearsThreshold(t: number | null, confidence: number): boolean {
  return t !== null && Number.isFinite(t) && confidence >= t;
}

async function candidates(db: Db, p: { projectId: number; versionId: number; fromId: number; toId: number }) {
  return db
    .select({ itemId: predictions.itemId, categoryId: predictions.categoryId, confidence: predictions.confidence, source: labels.source, live: isNull(categories.deletedAt).mapWith(Boolean) })
    .from(predictions)
    .innerJoin(items, and(eq(items.id, predictions.itemId), eq(items.split, "pool")))
    .innerJoin(categories, eq(categories.id, predictions.categoryId))
    .leftJoin(labels, eq(labels.itemId, predictions.itemId))
    .where(and(eq(predictions.projectId, p.projectId), eq(predictions.modelVersionId, p.versionId), between(predictions.itemId, p.fromId, p.toId)));
}

export async function autoAcceptRange(db: Db, p: { projectId: number; version: LoadedVersion; fromId: number; toId: number }) {
  const v = p.version;
  const rows = (await candidates(db, { ...p, versionId: v.versionId })).filter((r) => r.source === null || r.source === "auto");
  const accept = rows.filter((r) => r.live && clearsThreshold(thresholdFor(v, r.categoryId), r.confidence));
  const acceptIds = new Set(accept.map((r) => r.itemId));
  const revoke = rows.filter((r) => r.source === "auto" && !acceptIds.has(r.itemId)).map((r) => r.itemId);
  if (accept.length === 0 && revoke.length === 0) return { accepted: 0, revoked: 0 };
  await db.transaction(async (tx) => {
    if (accept.length) {
      await tx
        .insert(labels)
        .values(accept.map((r) => ({ itemId: r.itemId, projectId: p.projectId, categoryId: r.categoryId, source: "auto" as const, modelVersionId: v.versionId, confidence: r.confidence, updatedAt: new Date() })))
        .onConflictDoUpdate({
          target: labels.itemId,
          set: { categoryId: sqlExcluded("category_id"), modelVersionId: v.versionId, confidence: sqlExcluded("confidence"), updatedAt: new Date(), userId: null, annotationId: null },
          setWhere: eq(labels.source, "auto"),
        });
    }
    if (revoke.length) await tx.delete(labels).where(and(eq(labels.projectId, p.projectId), eq(labels.source, "auto"), inArray(labels.itemId, revoke)));
    await recordAudit(tx, {
      projectId: p.projectId, actorId: null, action: "labels.auto_accept", entityType: "model_version", entityId: v.versionId,
      after: { calibrationId: v.calibrationId, fromId: p.fromId, toId: p.toId, accepted: accept.length, revoked: revoke.length },
    });
  });
  return { accepted: accept.length, revoked: revoke.length };
}

function sqlExcluded(column: string) {
  return sql.raw(`excluded.${column}`);
}
