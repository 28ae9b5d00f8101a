/** The current label of items: read under a row lock, and put back as it was (undo). */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { labels, type PreviousLabel } from "@/db/schema";
import type { LabelSource } from "./precedence";

export type CurrentLabel = PreviousLabel & { itemId: number };

/** Current labels, row-locked so concurrent decisions on one item serialise. */
export async function lockLabels(tx: DbOrTx, projectId: number, itemIds: number[]): Promise<Map<number, CurrentLabel>> {
  const rows = await tx
    .select({
      itemId: labels.itemId,
      categoryId: labels.categoryId,
      source: labels.source,
      userId: labels.userId,
      annotationId: labels.annotationId,
      modelVersionId: labels.modelVersionId,
      confidence: labels.confidence,
    })
    .from(labels)
    .where(and(eq(labels.projectId, projectId), inArray(labels.itemId, itemIds)))
    .orderBy(labels.itemId)
    .for("update");
  return new Map(rows.map((r) => [r.itemId, r]));
}

/** The label as an annotation records it (what a decision replaced). */
export function snapshotOf(l: CurrentLabel | undefined): PreviousLabel | null {
  if (!l) return null;
  const { itemId: _itemId, ...rest } = l;
  return rest;
}

/** Puts back the label a decision replaced; no label before means none after. */
export async function restoreLabel(
  tx: DbOrTx,
  p: { projectId: number; itemId: number; previous: PreviousLabel | null },
): Promise<void> {
  const where = and(eq(labels.projectId, p.projectId), eq(labels.itemId, p.itemId));
  const prev = p.previous;
  if (!prev) {
    await tx.delete(labels).where(where);
    return;
  }
  await tx
    .update(labels)
    .set({
      categoryId: prev.categoryId,
      source: prev.source as LabelSource,
      userId: prev.userId ?? null,
      annotationId: prev.annotationId ?? null,
      modelVersionId: prev.modelVersionId ?? null,
      confidence: prev.confidence ?? null,
      updatedAt: sql`now()`,
    })
    .where(where);
}
