/**
 * Where the candidate query may start. Ranked by margin (or confidence), the
 * query walks the version's index from the most uncertain prediction and
 * skips every item already decided by a person or imported: the walk grows
 * with the labels (4.7k index rows and 18 ms at 3.7k labels), inside the
 * claim transaction, for every queue.next.
 *
 * The low-water mark is the first prediction, in the strategy's order, whose
 * item was still open (a pool item without a human or import label) when it
 * was computed; everything before it was closed then. The candidate query adds
 * `(score, item_id) >= mark`, so the index scan starts there.
 *
 * An item before the mark can open again: an undone human decision, a label
 * removed, a prediction written below the mark while the version is still
 * being scored. It is late, never lost:
 * - the mark is recomputed in the background every REFRESH_MS (single flight),
 *   and an undo in this process forgets the project's marks at once;
 * - a marked query that finds fewer candidates than asked is repeated without
 *   the mark (queue-candidates.ts), so nobody is told "nothing left" while an
 *   item before the mark is open; queueStatus never uses the mark.
 * Skips and leases are per person and short-lived, so the mark ignores them
 * (the query still applies both).
 *
 * Cached like the neighbour pool: per database object (WeakMap), then per
 * project, version and strategy; at most MAX_KEYS_PER_DB entries.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { items, predictions } from "@/db/schema";
import type { Strategy } from "./picking";
import { hasTrustedLabel } from "./open-items-sql";

export type LowWaterMark = { value: number; itemId: number };
/** Strategies whose order has an index the mark can start from. */
export type MarkedStrategy = "margin" | "least_confidence";

const REFRESH_MS = 2_000;
const MAX_KEYS_PER_DB = 64;

type Slot = { mark: LowWaterMark | null; computedAt: number; loading: boolean; generation: number };
const caches = new WeakMap<object, Map<string, Slot>>();
/** Bumped by forgetLowWaterMarks, so a computation started before it is not stored after it. */
const generations = new WeakMap<object, Map<number, number>>();

export const isMarked = (s: Strategy): s is MarkedStrategy => s === "margin" || s === "least_confidence";

export const scoreColumn = (s: MarkedStrategy) => (s === "margin" ? predictions.margin : predictions.confidence);

/**
 * The cached mark, or null (none yet, or nothing open). Never waits: a
 * missing or old mark is computed in the background for later callers.
 */
export function lowWaterMark(
  db: Db,
  projectId: number,
  modelVersionId: number,
  strategy: Strategy,
): LowWaterMark | null {
  if (!isMarked(strategy)) return null;
  let map = caches.get(db);
  if (!map) caches.set(db, (map = new Map()));
  const key = `${projectId}:${modelVersionId}:${strategy}`;
  let slot = map.get(key);
  if (!slot) {
    slot = { mark: null, computedAt: 0, loading: false, generation: generationOf(db, projectId) };
    map.set(key, slot);
    if (map.size > MAX_KEYS_PER_DB) map.delete(map.keys().next().value as string);
  }
  if (!slot.loading && Date.now() - slot.computedAt >= REFRESH_MS) {
    slot.loading = true;
    const s = slot;
    const generation = generationOf(db, projectId);
    computeLowWaterMark(db, projectId, modelVersionId, strategy)
      .then((mark) => {
        // Forgotten meanwhile: this result may predate the change that caused it.
        if (generationOf(db, projectId) !== generation) return;
        s.mark = mark;
        s.computedAt = Date.now();
        s.generation = generation;
      })
      .catch(() => {
        // No mark is always correct; the next caller tries again.
      })
      .finally(() => {
        s.loading = false;
      });
  }
  return slot.generation === generationOf(db, projectId) ? slot.mark : null;
}

/** The first open prediction in the strategy's order (the same walk the candidate query does). */
export async function computeLowWaterMark(
  db: Db,
  projectId: number,
  modelVersionId: number,
  strategy: MarkedStrategy,
): Promise<LowWaterMark | null> {
  const score = scoreColumn(strategy);
  const [row] = await db
    .select({ value: score, itemId: predictions.itemId })
    .from(predictions)
    .innerJoin(items, eq(items.id, predictions.itemId))
    .where(
      and(
        eq(predictions.modelVersionId, modelVersionId),
        eq(items.projectId, projectId),
        eq(items.split, "pool"),
        sql`not ${hasTrustedLabel}`,
      ),
    )
    .orderBy(asc(score), asc(predictions.itemId))
    .limit(1);
  return row ? { value: row.value, itemId: row.itemId } : null;
}

/** An item of the project may have opened again (undo): drop its marks in this process now. */
export function forgetLowWaterMarks(db: Db, projectId: number): void {
  let g = generations.get(db);
  if (!g) generations.set(db, (g = new Map()));
  g.set(projectId, (g.get(projectId) ?? 0) + 1);
  const map = caches.get(db);
  if (!map) return;
  for (const [key, slot] of map) {
    if (key.startsWith(`${projectId}:`)) {
      slot.mark = null;
      slot.computedAt = 0;
    }
  }
}

function generationOf(db: Db, projectId: number): number {
  return generations.get(db)?.get(projectId) ?? 0;
}
