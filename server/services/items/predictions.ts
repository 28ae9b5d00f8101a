/**
 * What Loupe thinks of items named by their external ids: the active version's
 * prediction (top categories with probabilities) and the current label with its
 * source, for a pipeline that sends items in and reads answers out.
 */
import { and, eq, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "@/db/client";
import { categories, items, labels, modelVersions, predictions, projects } from "@/db/schema";

export type PredictionsForInput = { projectId: number; actorId: number; externalIds: string[] };

const labelCategory = alias(categories, "label_category");

export async function predictionsFor(db: Db, p: PredictionsForInput) {
  const ids = [...new Set(p.externalIds)];
  const rows = await db
    .select({
      externalId: items.externalId,
      itemId: items.id,
      predicted: predictions.categoryId,
      confidence: predictions.confidence,
      top: predictions.top,
      modelVersion: modelVersions.version,
      labelSource: labels.source,
      labelCategory: labelCategory.path,
      labelled: labels.itemId,
    })
    .from(items)
    .innerJoin(projects, eq(projects.id, items.projectId))
    .leftJoin(
      predictions,
      and(eq(predictions.itemId, items.id), eq(predictions.modelVersionId, projects.activeModelVersionId)),
    )
    .leftJoin(modelVersions, eq(modelVersions.id, predictions.modelVersionId))
    .leftJoin(labels, eq(labels.itemId, items.id))
    .leftJoin(labelCategory, eq(labelCategory.id, labels.categoryId))
    .where(and(eq(items.projectId, p.projectId), inArray(items.externalId, ids)));
  const paths = await categoryPaths(db, p.projectId, rows);
  const path = (id: number) => paths.get(id) ?? null;
  const byId = new Map(rows.map((r) => [r.externalId, r]));
  return {
    items: ids.map((externalId) => {
      const r = byId.get(externalId);
      if (!r) return { externalId, found: false, prediction: null, label: null };
      const prediction =
        r.predicted === null || r.confidence === null || r.modelVersion === null
          ? null
          : {
              category: path(r.predicted),
              confidence: r.confidence,
              modelVersion: r.modelVersion,
              top: (r.top ?? []).map((t) => ({ category: path(t.categoryId), prob: t.prob })),
            };
      const label = r.labelled === null ? null : { category: r.labelCategory, source: r.labelSource };
      return { externalId, found: true, prediction, label };
    }),
  };
}

/** Paths of every category the predictions mention, in one query. */
async function categoryPaths(db: Db, projectId: number, rows: { predicted: number | null; top: unknown }[]) {
  const ids = new Set<number>();
  for (const r of rows) {
    if (r.predicted !== null) ids.add(r.predicted);
    for (const t of (r.top as { categoryId: number }[] | null) ?? []) ids.add(t.categoryId);
  }
  if (ids.size === 0) return new Map<number, string>();
  const found = await db
    .select({ id: categories.id, path: categories.path })
    .from(categories)
    .where(and(eq(categories.projectId, projectId), inArray(categories.id, [...ids])));
  return new Map(found.map((c) => [c.id, c.path]));
}
