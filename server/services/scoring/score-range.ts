/** Scores one id range of a project with the active version and applies auto-accept to it. */
import { and, between, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { items, modelVersions, projects } from "@/db/schema";
import { autoAcceptRange } from "@/server/services/auto-accept";
import { loadVersion } from "@/server/services/models";
import { scoringRanges, type ScoreRange } from "@/server/services/models";
import { writePredictions } from "./write-predictions";
import { buildTaxonomy, PATH_SEPARATOR, type Taxonomy } from "@/ml/taxonomy";
import { categoryPathsOf } from "@/server/services/categories";
import { toTextInput } from "@/server/services/training";

/** A job for a version or calibration that is no longer current is stale: a newer plan covers the range. */
async function isCurrent(db: Db, r: ScoreRange): Promise<boolean> {
  const [row] = await db
    .select({ cal: modelVersions.currentCalibrationId })
    .from(projects)
    .innerJoin(modelVersions, eq(modelVersions.id, projects.activeModelVersionId))
    .where(and(eq(projects.id, r.projectId), eq(modelVersions.id, r.versionId)));
  return row !== undefined && row.cal === r.calibrationId;
}

export async function scoreRange(
  db: Db,
  r: ScoreRange,
): Promise<{ scored: number; accepted: number; revoked: number; skipped: boolean }> {
  if (!(await isCurrent(db, r))) return { scored: 0, accepted: 0, revoked: 0, skipped: true };
  const v = await loadVersion(db, r.projectId, r.versionId);
  const rows = await db
    .select({ id: items.id, title: items.title, description: items.description, attributes: items.attributes })
    .from(items)
    .where(and(eq(items.projectId, r.projectId), between(items.id, r.fromId, r.toId)))
    .orderBy(items.id);
  const taxonomy = await taxonomyOf(db, r.projectId, v.categoryIds);
  const preds = await v.model.predict(rows.map(toTextInput), v.calibration, { topK: 3, withEmbedding: true, taxonomy });
  await writePredictions(
    db,
    { projectId: r.projectId, versionId: v.versionId, categoryIds: v.categoryIds },
    rows.flatMap((it, i) => {
      const prediction = preds[i];
      return prediction ? [{ itemId: it.id, prediction }] : [];
    }),
  );
  const aa = await autoAcceptRange(db, { projectId: r.projectId, version: v, fromId: r.fromId, toId: r.toId });
  return { scored: rows.length, ...aa, skipped: false };
}

/** The version's categories as a taxonomy, when their paths have more than one level. */
async function taxonomyOf(db: Db, projectId: number, categoryIds: number[]): Promise<Taxonomy | undefined> {
  const paths = await categoryPathsOf(db, projectId, categoryIds);
  return paths.some((p) => p.includes(PATH_SEPARATOR)) ? buildTaxonomy(paths) : undefined;
}

/** Every range of the active version, inline (tests, CLI, and a web process without a worker). */
export async function scoreProjectInline(
  db: Db,
  p: { projectId: number; versionId: number; calibrationId: number | null },
) {
  const totals = { scored: 0, accepted: 0, revoked: 0 };
  for (const r of await scoringRanges(db, p)) {
    const res = await scoreRange(db, r);
    totals.scored += res.scored;
    totals.accepted += res.accepted;
    totals.revoked += res.revoked;
  }
  return totals;
}
