/**
 * Pulling a project's label changes after a cursor, with their provenance in the
 * words a pipeline uses: the item's external id and the category's path. Same
 * visibility and order as readLabelChanges, so each change comes once per cursor walk.
 */
import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { categories, items, labelChanges } from "@/db/schema";
import { ValidationError } from "@/server/errors";
import { formatLabelCursor, LABEL_CURSOR_START, parseLabelCursor, visibleChangesAfter } from "./changes";
import type { LabelCursor, Position } from "./changes";

export type PulledLabelChange = {
  changeId: number;
  externalId: string;
  /** null: a tombstone, or a person said no category fits */
  category: string | null;
  deleted: boolean;
  source: "human" | "auto" | "import" | null;
  annotationId: number | null;
  modelVersionId: number | null;
  confidence: number | null;
  userId: number | null;
  changedAt: Date;
};

export const PULL_LIMIT_DEFAULT = 1_000;
export const PULL_LIMIT_MAX = 10_000;

function positionOf(since: string): Position {
  try {
    return parseLabelCursor(since);
  } catch (err) {
    if (err instanceof ValidationError) throw new ValidationError(`since: ${err.message}`, { field: "since" });
    throw err;
  }
}

/** Up to `limit` changes after `since` (default: the start of the log), oldest first, and where to continue. */
export async function pullLabelChanges(
  db: DbOrTx,
  p: { projectId: number; since?: LabelCursor; limit?: number },
): Promise<{ changes: PulledLabelChange[]; next: LabelCursor; hasMore: boolean }> {
  const since = p.since ?? LABEL_CURSOR_START;
  const from = positionOf(since);
  const limit = Math.min(Math.max(1, p.limit ?? PULL_LIMIT_DEFAULT), PULL_LIMIT_MAX);
  const rows = await db
    .select({
      changeId: labelChanges.id,
      tx: labelChanges.tx,
      externalId: items.externalId,
      category: categories.path,
      deleted: labelChanges.deleted,
      source: labelChanges.source,
      annotationId: labelChanges.annotationId,
      modelVersionId: labelChanges.modelVersionId,
      confidence: labelChanges.confidence,
      userId: labelChanges.userId,
      changedAt: labelChanges.changedAt,
    })
    .from(labelChanges)
    // Items are never deleted (append-only), so every change has its item.
    .innerJoin(items, eq(items.id, labelChanges.itemId))
    .leftJoin(categories, eq(categories.id, labelChanges.categoryId))
    .where(visibleChangesAfter(p.projectId, from))
    .orderBy(asc(labelChanges.tx), asc(labelChanges.id))
    .limit(limit + 1);
  const hasMore = rows.length > limit;
  const page = hasMore ? rows.slice(0, limit) : rows;
  const last = page.at(-1);
  return {
    changes: page.map(({ tx: _tx, ...c }) => c),
    next: last ? formatLabelCursor({ tx: last.tx, id: last.changeId }) : since,
    hasMore,
  };
}
