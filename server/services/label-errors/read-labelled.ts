/**
 * What the detector looks at: every item with a human or import label in a live
 * category, pool and test split alike, read as one consistent snapshot.
 */
import { and, asc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { annotations, categories, items, labels } from "@/db/schema";
import type { TextInput } from "@/ml";
import { toTextInput } from "@/server/services/training";

export type DetectionSnapshot = {
  /** Live categories in id order: class j is categoryIds[j]. */
  categoryIds: number[];
  rows: {
    itemId: number;
    input: TextInput;
    categoryId: number;
    /** The label is a person's verdict on a suspect pick: trained on, never flagged again. */
    verdict: boolean;
  }[];
};

export async function readDetectionSnapshot(db: Db, projectId: number): Promise<DetectionSnapshot> {
  return db.transaction(
    async (tx) => {
      const cats = await tx
        .select({ id: categories.id })
        .from(categories)
        .where(and(eq(categories.projectId, projectId), isNull(categories.deletedAt)))
        .orderBy(asc(categories.id));
      const rows = await tx
        .select({
          itemId: items.id,
          title: items.title,
          description: items.description,
          attributes: items.attributes,
          categoryId: labels.categoryId,
          verdict: sql<boolean>`coalesce(${annotations.reason} = 'suspect', false)`,
        })
        .from(labels)
        .innerJoin(items, and(eq(items.id, labels.itemId), eq(items.projectId, projectId)))
        .innerJoin(
          categories,
          and(eq(categories.id, labels.categoryId), eq(categories.projectId, projectId), isNull(categories.deletedAt)),
        )
        .leftJoin(annotations, eq(annotations.id, labels.annotationId))
        .where(
          and(
            eq(labels.projectId, projectId),
            inArray(labels.source, ["human", "import"]),
            isNotNull(labels.categoryId),
          ),
        )
        .orderBy(asc(items.id));
      return {
        categoryIds: cats.map((c) => c.id),
        rows: rows.flatMap((r) =>
          r.categoryId === null
            ? []
            : [{ itemId: r.itemId, input: toTextInput(r), categoryId: r.categoryId, verdict: Boolean(r.verdict) }],
        ),
      };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}
