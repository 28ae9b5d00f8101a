/**
 * Auto-accept: a pool item with no human/import label whose calibrated
 * confidence clears its class threshold gets an `auto` label. The database
 * statements themselves refuse to touch human/import labels (conflict update
 * and delete are both guarded by source = 'auto'), so a racing human decision wins.
 *
 * Set-based: the thresholds travel as one jsonb parameter and the range is
 * decided in two statements (accept, revoke) inside the database, instead of
 * reading every candidate row into the process and writing the winners back.
 */
import { applyAutoLabels } from "@/server/services/labels";
import { sql } from "drizzle-orm";
import { executeRows, type Db } from "@/db/client";
import { recordAudit } from "@/server/services/audit";
import type { LoadedVersion } from "@/server/services/models";

export function thresholdFor(v: Pick<LoadedVersion, "categoryIds" | "perClass">, categoryId: number): number | null {
  const i = v.categoryIds.indexOf(categoryId);
  return i < 0 ? null : (v.perClass[i] ?? null);
}

/** Never true below the class threshold; a null threshold certifies nothing. */
export function clearsThreshold(t: number | null, confidence: number): boolean {
  return t !== null && Number.isFinite(t) && confidence >= t;
}

/** Categories that can be auto-accepted, with their thresholds; null and non-finite thresholds certify nothing and are left out. */
function thresholdsJson(v: Pick<LoadedVersion, "categoryIds" | "perClass">): string {
  const rows = v.categoryIds.flatMap((c, i) => {
    const t = v.perClass[i];
    return t !== null && t !== undefined && Number.isFinite(t) ? [{ category_id: c, threshold: t }] : [];
  });
  return JSON.stringify(rows);
}

type Range = { projectId: number; version: LoadedVersion; fromId: number; toId: number };

/** The version's predictions in the range that clear their class threshold, on pool items of live categories. */
function acceptedSql(p: Range, th: string) {
  return sql`
    select p.item_id, p.category_id, p.confidence
    from predictions p
    join jsonb_to_recordset(${th}::jsonb) as t(category_id integer, threshold float8) on t.category_id = p.category_id
    join items i on i.id = p.item_id and i.split = 'pool'
    join categories c on c.id = p.category_id and c.deleted_at is null
    where p.model_version_id = ${p.version.versionId} and p.project_id = ${p.projectId}
      and p.item_id between ${p.fromId} and ${p.toId} and p.confidence >= t.threshold`;
}

export async function autoAcceptRange(db: Db, p: Range) {
  const v = p.version;
  const th = thresholdsJson(v);
  return db.transaction(async (tx) => {
    const { accepted, revoked } = await applyAutoLabels(tx, {
      projectId: p.projectId,
      versionId: v.versionId,
      fromId: p.fromId,
      toId: p.toId,
      accepted: acceptedSql(p, th),
    });
    if (accepted === 0 && revoked === 0) return { accepted: 0, revoked: 0 };
    await recordAudit(tx, {
      projectId: p.projectId,
      actorId: null,
      action: "labels.auto_accept",
      entityType: "model_version",
      entityId: v.versionId,
      after: {
        calibrationId: v.calibrationId,
        fromId: p.fromId,
        toId: p.toId,
        accepted,
        revoked,
      },
    });
    return { accepted, revoked };
  });
}
