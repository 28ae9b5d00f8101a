/**
 * Reading the label change log (filled by triggers on `labels`) with a cursor.
 *
 * A change is visible only once every transaction that could still write an earlier
 * one has ended: rows are read below the snapshot's xmin, in (tx, id) order. A change
 * that commits late has a tx at or above the xmin every earlier reader saw, so it sorts
 * after their cursors and is never skipped; each change is returned once per cursor walk.
 * A long transaction holds the log back (not forward) until it ends.
 */
import { and, asc, desc, eq, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { labelChanges } from "@/db/schema";
import { ValidationError } from "@/server/errors";

/** Opaque to clients; `<tx>-<id>` of the last change read. */
export type LabelCursor = string;

export type LabelChange = {
  changeId: number;
  itemId: number;
  deleted: boolean;
  categoryId: number | null;
  source: "human" | "auto" | "import" | null;
  annotationId: number | null;
  modelVersionId: number | null;
  confidence: number | null;
  userId: number | null;
  changedAt: Date;
};

export type Position = { tx: bigint; id: number };

const MAX_BIGINT = 9_223_372_036_854_775_807n;
const CURSOR_RE = /^(\d{1,19})-(\d{1,19})$/;

export function parseLabelCursor(cursor: string): Position {
  const m = CURSOR_RE.exec(cursor);
  if (!m?.[1] || !m[2]) throw new ValidationError(`cursor: "${cursor.slice(0, 40)}" is not a cursor this API gave`);
  const id = Number(m[2]);
  const tx = BigInt(m[1]);
  // Beyond bigint the database would fail the cast (a 500), so refuse it here.
  if (!Number.isSafeInteger(id) || tx > MAX_BIGINT) throw new ValidationError("cursor: out of range");
  return { tx, id };
}

export const formatLabelCursor = (p: Position): LabelCursor => `${p.tx}-${p.id}`;

/** The start of the log: a pull from here returns every label that exists, and every change since. */
export const LABEL_CURSOR_START: LabelCursor = "0-0";

const visibleBelow = sql`(pg_snapshot_xmin(pg_current_snapshot())::text)::bigint`;

/**
 * The project's visible changes after a position. A row comparison, so the (project, tx, id)
 * index starts at the cursor instead of filtering every earlier row of the project.
 */
export function visibleChangesAfter(projectId: number, from: Position) {
  return and(
    eq(labelChanges.projectId, projectId),
    lt(labelChanges.tx, visibleBelow),
    sql`(${labelChanges.tx}, ${labelChanges.id}) > (${from.tx.toString()}::bigint, ${from.id}::bigint)`,
  );
}

/**
 * Up to `limit` changes after `after`, oldest first, and the cursor to continue from
 * (the same cursor when nothing new is visible yet).
 */
export async function readLabelChanges(
  db: DbOrTx,
  p: { projectId: number; after: LabelCursor; limit: number },
): Promise<{ changes: LabelChange[]; next: LabelCursor; hasMore: boolean }> {
  const from = parseLabelCursor(p.after);
  const rows = await db
    .select({
      changeId: labelChanges.id,
      tx: labelChanges.tx,
      itemId: labelChanges.itemId,
      deleted: labelChanges.deleted,
      categoryId: labelChanges.categoryId,
      source: labelChanges.source,
      annotationId: labelChanges.annotationId,
      modelVersionId: labelChanges.modelVersionId,
      confidence: labelChanges.confidence,
      userId: labelChanges.userId,
      changedAt: labelChanges.changedAt,
    })
    .from(labelChanges)
    .where(visibleChangesAfter(p.projectId, from))
    .orderBy(asc(labelChanges.tx), asc(labelChanges.id))
    .limit(p.limit + 1);
  const hasMore = rows.length > p.limit;
  const page = hasMore ? rows.slice(0, p.limit) : rows;
  const last = page.at(-1);
  return {
    changes: page.map(({ tx: _tx, ...c }) => c),
    next: last ? formatLabelCursor({ tx: last.tx, id: last.changeId }) : p.after,
    hasMore,
  };
}

/** Counts stop here: a webhook says "at least this many" rather than scanning a huge backlog. */
export const LABEL_CHANGE_COUNT_CAP = 100_000;

/**
 * The newest visible position and how many changes lie after `after`, counted up to
 * LABEL_CHANGE_COUNT_CAP (for labels.changed webhooks).
 */
export async function labelChangesAfter(
  db: DbOrTx,
  p: { projectId: number; after: LabelCursor },
): Promise<{ count: number; capped: boolean; latest: LabelCursor }> {
  const from = parseLabelCursor(p.after);
  const where = visibleChangesAfter(p.projectId, from);
  const [last] = await db
    .select({ tx: labelChanges.tx, id: labelChanges.id })
    .from(labelChanges)
    .where(where)
    .orderBy(desc(labelChanges.tx), desc(labelChanges.id))
    .limit(1);
  if (!last) return { count: 0, capped: false, latest: p.after };
  const window = db
    .select({ one: sql`1` })
    .from(labelChanges)
    .where(where)
    .limit(LABEL_CHANGE_COUNT_CAP + 1)
    .as("w");
  const [counted] = await db.select({ n: sql<number>`count(*)::int` }).from(window);
  const n = Number(counted?.n ?? 0);
  return {
    count: Math.min(n, LABEL_CHANGE_COUNT_CAP),
    capped: n > LABEL_CHANGE_COUNT_CAP,
    latest: formatLabelCursor({ tx: last.tx, id: last.id }),
  };
}
