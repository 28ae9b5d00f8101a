/**
 * The label-error detector's open flags on a page of the grid: what it suggests
 * instead of the current label, so a reviewer can keep the label or take the suggestion.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { labels, labelSuspects } from "@/db/schema";

export type Suspicion = { givenCategoryId: number; suggestedCategoryId: number; score: number };

export async function suspicionsOf(db: DbOrTx, projectId: number, itemIds: number[]): Promise<Map<number, Suspicion>> {
  if (itemIds.length === 0) return new Map();
  const rows = await db
    .select({
      itemId: labelSuspects.itemId,
      givenCategoryId: labelSuspects.givenCategoryId,
      suggestedCategoryId: labelSuspects.suggestedCategoryId,
      score: labelSuspects.score,
    })
    .from(labelSuspects)
    .innerJoin(
      labels,
      and(
        eq(labels.itemId, labelSuspects.itemId),
        eq(labels.projectId, projectId),
        sql`${labels.categoryId} = ${labelSuspects.givenCategoryId}`,
      ),
    )
    .where(
      and(
        eq(labelSuspects.projectId, projectId),
        eq(labelSuspects.status, "open"),
        inArray(labelSuspects.itemId, itemIds),
      ),
    );
  return new Map(rows.map((r) => [r.itemId, r]));
}
