/**
 * The labelled items that handoff neighbours are chosen from, cached in
 * process. Re-reading the 2,000 most recently labelled items with their
 * embeddings on every queue.next costs ~20 ms of transfer and bytea decoding
 * even with the index on labels (project_id, updated_at), for a list that
 * barely changes between two calls.
 *
 * Neighbours are display context, never a decision input, so a pool a few
 * seconds old is fine: an entry is served as is while FRESH_MS old, served and
 * reloaded in the background until MAX_STALE_MS, and waited for after that.
 * Loads are single-flight, so a burst of callers costs one query.
 *
 * Keyed first by the database object (a WeakMap: two databases in one process,
 * e.g. tests, never see each other's rows, and a closed database's entries go
 * with it), then by project and model version; at most MAX_KEYS_PER_DB
 * entries (least recently used go first), each bounded by NEIGHBOUR_POOL rows.
 */
import { and, desc, eq, isNotNull, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { categories, items, labels, predictions } from "@/db/schema";
import { decodeEmbedding } from "./candidates";

export const NEIGHBOUR_POOL = 2_000;
// Reloading costs ~0.1–0.4 s of PGlite's one connection (2,000 rows with embeddings): every 2 s took a fifth of it.
const FRESH_MS = 15_000;
const MAX_STALE_MS = 120_000;
const MAX_KEYS_PER_DB = 32;

/** A labelled item with its label's category path (display context, as old as the pool). */
export type Labelled = {
  itemId: number;
  title: string;
  categoryId: number | null;
  path: string | null;
  deleted: boolean;
  source: string;
};
/** Embeddings packed row-major with their norms, so ranking allocates nothing per candidate. */
export type EmbeddingPool = { rows: Labelled[]; dim: number; vectors: Float32Array; norms: Float64Array };
export type TitlePool = { rows: Labelled[]; words: Set<string>[] };

type Slot = { value?: unknown; loadedAt: number; loading?: Promise<unknown> };
const caches = new WeakMap<object, Map<string, Slot>>();

/** Most recently labelled first, with the given version's embeddings (rows without one are left out). */
export function embeddingPool(db: DbOrTx, projectId: number, modelVersionId: number): Promise<EmbeddingPool> {
  return cached(db, `${projectId}:v${modelVersionId}`, () => loadEmbeddingPool(db, projectId, modelVersionId));
}

/** Most recently labelled first, with their title words (the fallback when there are no embeddings). */
export function titlePool(db: DbOrTx, projectId: number): Promise<TitlePool> {
  return cached(db, `${projectId}:titles`, () => loadTitlePool(db, projectId));
}

/** Forgets every pool of this database (tests that relabel and look again at once). */
export function clearNeighbourPools(db: DbOrTx): void {
  caches.delete(db);
}

async function cached<T>(db: object, key: string, load: () => Promise<T>): Promise<T> {
  let map = caches.get(db);
  if (!map) caches.set(db, (map = new Map()));
  const slot = map.get(key) ?? { loadedAt: 0 };
  // Re-inserting keeps the Map in least-recently-used order for eviction.
  map.delete(key);
  map.set(key, slot);
  if (map.size > MAX_KEYS_PER_DB) map.delete(map.keys().next().value as string);
  const age = Date.now() - slot.loadedAt;
  if (slot.value !== undefined && age < FRESH_MS) return slot.value as T;
  const loading = (slot.loading ??= reload(slot, load));
  if (slot.value !== undefined && age < MAX_STALE_MS) {
    // Stale but usable: the reload's failure is the next caller's to see.
    loading.catch(() => {});
    return slot.value as T;
  }
  return loading as Promise<T>;
}

async function reload<T>(slot: Slot, load: () => Promise<T>): Promise<T> {
  try {
    const value = await load();
    slot.value = value;
    slot.loadedAt = Date.now();
    return value;
  } finally {
    slot.loading = undefined;
  }
}

const labelledColumns = {
  itemId: labels.itemId,
  title: items.title,
  categoryId: labels.categoryId,
  path: categories.path,
  deleted: sql<boolean>`${categories.deletedAt} is not null`,
  source: labels.source,
};
const categoryOfLabel = (projectId: number) =>
  and(eq(categories.id, labels.categoryId), eq(categories.projectId, projectId));

async function loadEmbeddingPool(db: DbOrTx, projectId: number, modelVersionId: number): Promise<EmbeddingPool> {
  // Driven from labels by the (project_id, updated_at) index, each row joined
  // through the items and predictions primary keys.
  const raw = await db
    .select({ ...labelledColumns, embedding: predictions.embedding })
    .from(labels)
    .innerJoin(items, and(eq(items.id, labels.itemId), eq(items.projectId, projectId)))
    .innerJoin(predictions, and(eq(predictions.itemId, labels.itemId), eq(predictions.modelVersionId, modelVersionId)))
    .leftJoin(categories, categoryOfLabel(projectId))
    .where(and(eq(labels.projectId, projectId), isNotNull(predictions.embedding)))
    .orderBy(desc(labels.updatedAt))
    .limit(NEIGHBOUR_POOL);
  const decoded = raw.map((r) => ({ row: r, e: decodeEmbedding(r.embedding) }));
  const dim = decoded.find((d) => d.e)?.e?.length ?? 0;
  // One version has one embedding size; a row that differs is left out rather than misread.
  const kept = decoded.filter(
    (d): d is { row: (typeof raw)[number]; e: Float32Array } => d.e?.length === dim && dim > 0,
  );
  const vectors = new Float32Array(kept.length * dim);
  const norms = new Float64Array(kept.length);
  kept.forEach(({ e }, i) => {
    vectors.set(e, i * dim);
    let s = 0;
    for (let j = 0; j < dim; j++) s += (e[j] as number) ** 2;
    norms[i] = Math.sqrt(s);
  });
  const rows = kept.map(({ row }) => ({
    itemId: row.itemId,
    title: row.title,
    categoryId: row.categoryId,
    path: row.path,
    deleted: row.deleted === true,
    source: row.source,
  }));
  return { rows, dim, vectors, norms };
}

async function loadTitlePool(db: DbOrTx, projectId: number): Promise<TitlePool> {
  const raw = await db
    .select(labelledColumns)
    .from(labels)
    .innerJoin(items, and(eq(items.id, labels.itemId), eq(items.projectId, projectId)))
    .leftJoin(categories, categoryOfLabel(projectId))
    .where(eq(labels.projectId, projectId))
    .orderBy(desc(labels.updatedAt))
    .limit(NEIGHBOUR_POOL);
  const rows = raw.map((r) => ({ ...r, deleted: r.deleted === true }));
  return { rows, words: rows.map((r) => titleWords(r.title)) };
}

export function titleWords(title: string): Set<string> {
  return new Set(
    title
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w.length > 1),
  );
}
