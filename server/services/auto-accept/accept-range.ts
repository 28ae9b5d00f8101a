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
import type { Db } from "@/db/client";
import { categories, items, predictions } from "@/db/schema";
import { tableAs } from "@/db/sql";
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
function acceptedSql(r: Range, th: string) {
  const p = tableAs(predictions, "p");
  const i = tableAs(items, "i");
  const c = tableAs(categories, "c");
  return sql`
    select ${p.t.itemId}, ${p.t.categoryId}, ${p.t.confidence}
    from ${p.from}
    join jsonb_to_recordset(${th}::jsonb) as t(category_id integer, threshold float8) on t.category_id = ${p.t.categoryId}
    join ${i.from} on ${i.t.id} = ${p.t.itemId} and ${i.t.split} = 'pool'
    join ${c.from} on ${c.t.id} = ${p.t.categoryId} and ${c.t.deletedAt} is null
    where ${p.t.modelVersionId} = ${r.version.versionId} and ${p.t.projectId} = ${r.projectId}
      and ${p.t.itemId} between ${r.fromId} and ${r.toId} and ${p.t.confidence} >= t.threshold`;
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
