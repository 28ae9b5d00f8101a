/**
 * Pulling a project's label changes after a cursor, with their provenance in the
 * words a pipeline uses: the item's external id and the category's path. Same
 * visibility and order as readLabelChanges, so each change comes once per cursor walk.
 */
import { sql } from "drizzle-orm";
import { executeRows, type DbOrTx } from "@/db/client";
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
  /** ISO 8601, UTC */
  changedAt: string;
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

/**
 * Up to `limit` changes after `since` (default: the start of the log), oldest first, and where to continue.
 * Postgres builds the page as one JSON text: mapping 10,000 rows field by field in the driver cost
 * ten times the query itself (measured: 4.6 s for 100k changes against 0.45 s in the database).
 */
export async function pullLabelChanges(
  db: DbOrTx,
  p: { projectId: number; since?: LabelCursor; limit?: number },
): Promise<{ changes: PulledLabelChange[]; next: LabelCursor; hasMore: boolean }> {
  const since = p.since ?? LABEL_CURSOR_START;
  const from = positionOf(since);
  const limit = Math.min(Math.max(1, p.limit ?? PULL_LIMIT_DEFAULT), PULL_LIMIT_MAX);
  const lc = labelChanges;
  const [row] = await executeRows<{ changes: string; n: number; last_tx: string | null; last_id: number | null }>(
    db,
    sql`with page as (
          select ${lc.id} as id, ${lc.tx} as tx, ${lc.itemId} as item_id, ${lc.categoryId} as category_id,
            ${lc.deleted} as deleted, ${lc.source} as source, ${lc.annotationId} as annotation_id,
            ${lc.modelVersionId} as model_version_id, ${lc.confidence} as confidence, ${lc.userId} as user_id,
            ${lc.changedAt} as changed_at
          from ${lc}
          where ${visibleChangesAfter(p.projectId, from)}
          order by ${lc.tx}, ${lc.id} limit ${limit + 1}
        ), shown as (
          select * from page order by tx, id limit ${limit}
        )
        -- Concatenated rather than json_build_object: the same JSON at half the cost per row (measured).
        -- Strings and the float go through to_json (quoting, escapes, NaN); the rest are ids, booleans and an enum.
        select '[' || coalesce(string_agg(concat(
            '{"changeId":', s.id, ',"externalId":', to_json(i.external_id),
            ',"category":', coalesce(to_json(c.path)::text, 'null'), ',"deleted":', s.deleted::text,
            ',"source":', coalesce('"' || s.source::text || '"', 'null'),
            ',"annotationId":', coalesce(s.annotation_id::text, 'null'),
            ',"modelVersionId":', coalesce(s.model_version_id::text, 'null'),
            ',"confidence":', coalesce(to_json(s.confidence)::text, 'null'),
            ',"userId":', coalesce(s.user_id::text, 'null'),
            ',"changedAt":"', to_char(s.changed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), '"}'
          ), ',' order by s.tx, s.id), '') || ']' as changes,
          (select count(*)::int from page) as n,
          (select tx::text from shown order by tx desc, id desc limit 1) as last_tx,
          (select id from shown order by tx desc, id desc limit 1) as last_id
        from shown s
        -- The page's items by their ids (an index lookup), not a hash of every item of the project per page.
        join (select ${items.id} as id, ${items.externalId} as external_id from ${items}
              where ${items.id} = any(array(select item_id from shown))) i on i.id = s.item_id
        left join ${categories} c on c.id = s.category_id`,
  );
  const changes = JSON.parse(row?.changes ?? "[]") as PulledLabelChange[];
  const next =
    row?.last_tx && row.last_id !== null
      ? formatLabelCursor({ tx: BigInt(row.last_tx), id: Number(row.last_id) })
      : since;
  return { changes, next, hasMore: Number(row?.n ?? 0) > limit };
}
