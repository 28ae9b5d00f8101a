/**
 * A person's decision becomes the item's label: it outranks every other
 * source, so it replaces whatever label the item had.
 */
import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { alias } from "drizzle-orm/pg-core";
import { annotations, labels } from "@/db/schema";
import { cols, col, excluded } from "@/db/sql";

/** What a conflict on the item's label sets for a human label (the model's fields are cleared). */
const humanSet = {
  categoryId: excluded(labels.categoryId),
  source: excluded(labels.source),
  userId: excluded(labels.userId),
  annotationId: excluded(labels.annotationId),
  modelVersionId: sql`null`,
  confidence: sql`null`,
  updatedAt: sql`now()`,
};

/** Upserts human labels from freshly stored annotations. */
export async function writeHumanLabels(
  tx: DbOrTx,
  projectId: number,
  rows: { itemId: number; categoryId: number | null; userId: number; annotationId: number }[],
): Promise<void> {
  if (rows.length === 0) return;
  const values = rows.map((r) => ({
    ...r,
    projectId,
    source: "human" as const,
    modelVersionId: null,
    confidence: null,
    updatedAt: sql`now()`,
  }));
  await tx.insert(labels).values(values).onConflictDoUpdate({ target: labels.itemId, set: humanSet });
}

/**
 * The same write as one statement of a data-modifying CTE: the human label of
 * the annotation the CTE `from` inserted, written only when `when` holds. The
 * single-decision submit stores annotation, label, lease and audit event in
 * one round trip with it.
 */
export function humanLabelFromAnnotation(p: { projectId: number; userId: number; from: string; when: boolean }): SQL {
  const l = labels;
  const a = alias(annotations, p.from);
  return sql`insert into ${l} ${cols(
    l.itemId,
    l.projectId,
    l.categoryId,
    l.source,
    l.userId,
    l.annotationId,
    l.modelVersionId,
    l.confidence,
    l.updatedAt,
  )}
    select ${a.itemId}, ${p.projectId}, ${a.categoryId}, 'human', ${p.userId}, ${a.id}, null, null, now() from ${sql.identifier(p.from)}
    where ${p.when}::boolean
    on conflict (${col(l.itemId)}) do update set ${col(l.categoryId)} = ${excluded(l.categoryId)},
      ${col(l.source)} = ${excluded(l.source)}, ${col(l.userId)} = ${excluded(l.userId)},
      ${col(l.annotationId)} = ${excluded(l.annotationId)}, ${col(l.modelVersionId)} = null, ${col(l.confidence)} = null,
      ${col(l.updatedAt)} = now()`;
}
