/**
 * Suspect picks: labels the label-error detector flagged, most likely wrong
 * first, while the label is still the one that was flagged. Pool items only:
 * a gold item's label must not reach an annotator (reviewers see those in the
 * batch grid).
 */
import { and, desc, eq, inArray, notInArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { categories, items, labels, labelSuspects } from "@/db/schema";
import { tableAs } from "@/db/sql";
import { liveLease } from "./open-items-sql";
import type { CandidateQuery } from "./candidates";

export async function suspectCandidates(tx: DbOrTx, q: Omit<CandidateQuery, "seed">): Promise<number[]> {
  if (q.limit <= 0) return [];
  const rows = await tx
    .select({ id: items.id })
    .from(labelSuspects)
    .innerJoin(items, and(eq(items.id, labelSuspects.itemId), eq(items.projectId, q.projectId)))
    .innerJoin(labels, eq(labels.itemId, items.id))
    .where(
      and(
        eq(labelSuspects.projectId, q.projectId),
        eq(labelSuspects.status, "open"),
        eq(items.split, "pool"),
        sql`${labels.categoryId} = ${labelSuspects.givenCategoryId}`,
        sql`${labels.source} in ('human', 'import')`,
        sql`not ${liveLease}`,
        q.excludeIds.length ? notInArray(items.id, q.excludeIds) : undefined,
      ),
    )
    .orderBy(desc(labelSuspects.score), labelSuspects.id)
    .limit(q.limit)
    .for("no key update", { of: items, skipLocked: true });
  return rows.map((r) => r.id);
}

export type SuspectDetail = {
  givenCategoryId: number;
  givenPath: string | null;
  suggestedCategoryId: number;
  suggestedPath: string | null;
  score: number;
};

/** What the review page shows of a suspect pick: the label as flagged and the detector's suggestion. */
export async function suspectDetails(db: DbOrTx, projectId: number, itemIds: number[]) {
  if (itemIds.length === 0) return new Map<number, SuspectDetail>();
  const given = tableAs(categories, "gc");
  const suggested = tableAs(categories, "sc");
  const rows = await db
    .select({
      itemId: labelSuspects.itemId,
      givenCategoryId: labelSuspects.givenCategoryId,
      givenPath: sql<
        string | null
      >`(select ${given.t.path} from ${given.from} where ${given.t.id} = ${labelSuspects.givenCategoryId})`,
      suggestedCategoryId: labelSuspects.suggestedCategoryId,
      suggestedPath: sql<
        string | null
      >`(select ${suggested.t.path} from ${suggested.from} where ${suggested.t.id} = ${labelSuspects.suggestedCategoryId})`,
      score: labelSuspects.score,
    })
    .from(labelSuspects)
    .where(
      and(
        eq(labelSuspects.projectId, projectId),
        eq(labelSuspects.status, "open"),
        inArray(labelSuspects.itemId, itemIds),
      ),
    );
  return new Map(rows.map(({ itemId, ...d }) => [itemId, d]));
}
