/**
 * The model's auto labels. They rank lowest: an auto label is written over no
 * label or another auto label only, and revoking one never touches a person's
 * or an imported label, so a racing human decision always wins.
 */
import { and, eq, sql, type SQL } from "drizzle-orm";
import { executeRows, type DbOrTx } from "@/db/client";
import { labels, predictions } from "@/db/schema";
import { col, cols, excluded, tableAs } from "@/db/sql";
import { replaceableBy } from "./precedence";

export type AutoLabelRange = {
  projectId: number;
  versionId: number;
  fromId: number;
  toId: number;
  /** The version's accepted predictions in the range: a query of (item_id, category_id, confidence). */
  accepted: SQL;
};

/**
 * Accepts the range's accepted predictions as auto labels, and revokes the
 * range's auto labels of items this version scored but no longer accepts (set
 * by any version: the active one decides). Two statements, in the caller's transaction.
 */
export async function applyAutoLabels(tx: DbOrTx, p: AutoLabelRange): Promise<{ accepted: number; revoked: number }> {
  const l = labels;
  const accepted = await executeRows<{ item_id: number }>(
    tx,
    sql`insert into ${l} ${cols(l.itemId, l.projectId, l.categoryId, l.source, l.modelVersionId, l.confidence, l.updatedAt)}
        select a.item_id, ${p.projectId}, a.category_id, 'auto', ${p.versionId}, a.confidence, now() from (${p.accepted}) a
        on conflict (${col(l.itemId)}) do update set
          ${col(l.categoryId)} = ${excluded(l.categoryId)}, ${col(l.modelVersionId)} = ${excluded(l.modelVersionId)},
          ${col(l.confidence)} = ${excluded(l.confidence)}, ${col(l.updatedAt)} = now(), ${col(l.userId)} = null,
          ${col(l.annotationId)} = null
        where ${replaceableBy("auto")} and ${l.projectId} = ${p.projectId}
        returning ${col(l.itemId)}`,
  );
  const pr = tableAs(predictions, "p");
  const revoked = await executeRows<{ item_id: number }>(
    tx,
    sql`delete from ${l} using ${pr.from}
        where ${l.projectId} = ${p.projectId} and ${l.source} = 'auto' and ${l.itemId} between ${p.fromId} and ${p.toId}
          and ${pr.t.modelVersionId} = ${p.versionId} and ${pr.t.itemId} = ${l.itemId}
          and ${pr.t.itemId} not in (select a.item_id from (${p.accepted}) a)
        returning ${l.itemId}`,
  );
  return { accepted: accepted.length, revoked: revoked.length };
}

/** Every auto label a version set goes back to review (its audits failed); returns their items. */
export async function revokeVersionAutoLabels(
  tx: DbOrTx,
  p: { projectId: number; versionId: number },
): Promise<number[]> {
  const gone = await tx
    .delete(labels)
    .where(and(eq(labels.projectId, p.projectId), eq(labels.source, "auto"), eq(labels.modelVersionId, p.versionId)))
    .returning({ itemId: labels.itemId });
  return gone.map((g) => g.itemId);
}
