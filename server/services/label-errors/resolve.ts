/**
 * A person's decision on an item closes its open suspicion: confirmed when they
 * chose another category than the given one (or none fits), kept when they chose
 * the same. Called by the annotations domain inside its decision transactions.
 */
import { and, eq, sql } from "drizzle-orm";
import { executeRows, type DbOrTx } from "@/db/client";
import { labelSuspects, suspectStatusEnum } from "@/db/schema";
import { col } from "@/db/sql";

export type ResolveSuspectsInput = {
  projectId: number;
  actorId: number;
  decided: { itemId: number; categoryId: number | null; annotationId: number }[];
};

export async function resolveSuspects(
  tx: DbOrTx,
  p: ResolveSuspectsInput,
): Promise<{ confirmed: number; kept: number }> {
  if (p.decided.length === 0) return { confirmed: 0, kept: 0 };
  // The last decision per item counts, as it does for the label.
  const byItem = new Map(p.decided.map((d) => [d.itemId, d]));
  const json = JSON.stringify(
    [...byItem.values()].map((d) => ({ item_id: d.itemId, category_id: d.categoryId, annotation_id: d.annotationId })),
  );
  const s = labelSuspects;
  const rows = await executeRows<{ status: string }>(
    tx,
    sql`update ${s} set
          ${col(s.status)} = (case when d.category_id is not distinct from ${s.givenCategoryId}
            then 'kept' else 'confirmed' end)::${sql.identifier(suspectStatusEnum.enumName)},
          ${col(s.resolvedAt)} = now(), ${col(s.resolvedById)} = ${p.actorId}, ${col(s.annotationId)} = d.annotation_id
        from jsonb_to_recordset(${json}::jsonb) as d(item_id integer, category_id integer, annotation_id bigint)
        where ${s.projectId} = ${p.projectId} and ${s.status} = 'open' and ${s.itemId} = d.item_id
        returning ${s.status}`,
  );
  const confirmed = rows.filter((r) => r.status === "confirmed").length;
  return { confirmed, kept: rows.length - confirmed };
}

/**
 * An undone decision reopens the suspicion it settled: the label it replaced is
 * back, so the question is open again.
 */
export async function reopenSuspects(tx: DbOrTx, p: { projectId: number; annotationId: number }): Promise<number> {
  const rows = await tx
    .update(labelSuspects)
    .set({ status: "open", resolvedAt: null, resolvedById: null, annotationId: null })
    .where(and(eq(labelSuspects.projectId, p.projectId), eq(labelSuspects.annotationId, p.annotationId)))
    .returning({ id: labelSuspects.id });
  return rows.length;
}
