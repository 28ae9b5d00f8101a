/**
 * Facets for the batch grid: every category with how many pool items the
 * active model predicts for it. One list serves the "predicted category"
 * filter and the "correct all to…" picker.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { categories, items, predictions } from "@/db/schema";
import { type ActiveVersion, activeVersion } from "./filters-sql";
import { PATH_SEPARATOR } from "@/ml/taxonomy";

/** Far above any real taxonomy in this product; beyond it the list says it was cut. */
export const FACET_LIMIT = 5_000;

export type BatchFacet = { id: number; path: string; deleted: boolean; predicted: number };
/** A parent path (a proper prefix of category paths), with the pool items predicted under it. */
export type BatchParentFacet = { path: string; depth: number; predicted: number };
export type BatchFacets = {
  modelVersion: ActiveVersion | null;
  categories: BatchFacet[];
  /** Every level above the leaves, by path: what the "within" filter offers. Empty for a flat taxonomy. */
  parents: BatchParentFacet[];
  /** Pool items the active model has scored (0 while scoring has not reached the pool yet). */
  scored: number;
  truncated: boolean;
};

export type ListBatchFacetsInput = { projectId: number };

/** What the grid's category filter can offer: the categories the active version predicts, with counts. */
export async function listBatchFacets(db: Db, p: ListBatchFacetsInput): Promise<BatchFacets> {
  const { projectId } = p;
  const version = await activeVersion(db, projectId);
  const counts = version ? await predictedCounts(db, projectId, version.id) : new Map<number, number>();
  const rows = await db
    .select({ id: categories.id, path: categories.path, deletedAt: categories.deletedAt })
    .from(categories)
    .where(eq(categories.projectId, projectId))
    .orderBy(asc(categories.path), asc(categories.id))
    .limit(FACET_LIMIT + 1);
  // Deleted categories stay only while the model still predicts them, so the filter can find those rows.
  const listed = rows
    .slice(0, FACET_LIMIT)
    .map((c) => ({ id: c.id, path: c.path, deleted: c.deletedAt !== null, predicted: counts.get(c.id) ?? 0 }))
    .filter((c) => !c.deleted || c.predicted > 0);
  let scored = 0;
  for (const n of counts.values()) scored += n;
  return {
    modelVersion: version,
    categories: listed,
    parents: parentFacets(listed),
    scored,
    truncated: rows.length > FACET_LIMIT,
  };
}

/** Proper prefixes of the listed paths, each with the sum of its categories' predictions, by path. */
export function parentFacets(cats: readonly { path: string; predicted: number }[]): BatchParentFacet[] {
  const byPath = new Map<string, BatchParentFacet>();
  for (const c of cats) {
    const segs = c.path.split(PATH_SEPARATOR);
    for (let d = 1; d < segs.length; d++) {
      const path = segs.slice(0, d).join(PATH_SEPARATOR);
      const f = byPath.get(path) ?? { path, depth: d, predicted: 0 };
      f.predicted += c.predicted;
      byPath.set(path, f);
    }
  }
  // A category that is itself a parent counts its own predictions too.
  for (const c of cats) {
    const f = byPath.get(c.path);
    if (f) f.predicted += c.predicted;
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Predictions per category on pool items. Counted as all of the version's
 * predictions (an index-only scan) minus those on test items (the small gold
 * set), which avoids joining every prediction to its item.
 */
async function predictedCounts(db: Db, projectId: number, versionId: number): Promise<Map<number, number>> {
  const [all, gold] = await Promise.all([
    db
      .select({ categoryId: predictions.categoryId, n: sql<number>`count(*)::int` })
      .from(predictions)
      .where(and(eq(predictions.modelVersionId, versionId), eq(predictions.projectId, projectId)))
      .groupBy(predictions.categoryId),
    db
      .select({ categoryId: predictions.categoryId, n: sql<number>`count(*)::int` })
      .from(items)
      .innerJoin(predictions, and(eq(predictions.modelVersionId, versionId), eq(predictions.itemId, items.id)))
      .where(and(eq(items.projectId, projectId), eq(items.split, "test")))
      .groupBy(predictions.categoryId),
  ]);
  const out = new Map(all.map((r) => [r.categoryId, Number(r.n)]));
  for (const g of gold) out.set(g.categoryId, (out.get(g.categoryId) ?? 0) - Number(g.n));
  return out;
}
