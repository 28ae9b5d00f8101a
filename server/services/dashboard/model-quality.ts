/** The active model version's reliability diagram and its most frequent confusions, with category paths. */
import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { categories, modelVersions, projects } from "@/db/schema";
import { NotFoundError } from "@/server/errors";

type Bin = { lo: number; hi: number; count: number; accuracy: number; confidence: number };
type Confusion = { trueCategoryId: number; predictedCategoryId: number; count: number };

export type ActiveModelQuality = {
  versionId: number;
  version: number;
  finishedAt: Date | null;
  goldItems: number;
  accuracy: number | null;
  ece: number | null;
  reliability: Bin[];
  confusions: { truePath: string; predictedPath: string; count: number }[];
};

export async function getActiveModelQuality(
  db: DbOrTx,
  p: { projectId: number; confusions: number },
): Promise<ActiveModelQuality | null> {
  const [project] = await db
    .select({ active: projects.activeModelVersionId })
    .from(projects)
    .where(eq(projects.id, p.projectId));
  if (!project) throw new NotFoundError("Project");
  if (project.active === null) return null;
  const [v] = await db
    .select({
      id: modelVersions.id,
      version: modelVersions.version,
      finishedAt: modelVersions.finishedAt,
      metrics: modelVersions.metrics,
    })
    .from(modelVersions)
    .where(and(eq(modelVersions.id, project.active), eq(modelVersions.projectId, p.projectId)));
  if (!v) return null;
  const gold = (v.metrics?.gold ?? {}) as {
    n?: number;
    accuracy?: number;
    ece?: number;
    reliability?: Bin[];
    confusions?: Confusion[];
  };
  const top = [...(gold.confusions ?? [])]
    .filter((c) => c.count > 0)
    .sort((a, b) => b.count - a.count)
    .slice(0, p.confusions);
  const paths = await categoryPaths(
    db,
    p.projectId,
    top.flatMap((c) => [c.trueCategoryId, c.predictedCategoryId]),
  );
  return {
    versionId: v.id,
    version: v.version,
    finishedAt: v.finishedAt,
    goldItems: gold.n ?? 0,
    accuracy: gold.n ? (gold.accuracy ?? null) : null,
    ece: gold.n ? (gold.ece ?? null) : null,
    reliability: (gold.reliability ?? []).map((b) => ({
      lo: b.lo,
      hi: b.hi,
      count: b.count,
      accuracy: b.accuracy,
      confidence: b.confidence,
    })),
    confusions: top.map((c) => ({
      truePath: paths.get(c.trueCategoryId) ?? `#${c.trueCategoryId}`,
      predictedPath: paths.get(c.predictedCategoryId) ?? `#${c.predictedCategoryId}`,
      count: c.count,
    })),
  };
}

/** Deleted categories keep their path (soft delete): old confusions still read well. */
async function categoryPaths(db: DbOrTx, projectId: number, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: categories.id, path: categories.path })
    .from(categories)
    .where(and(eq(categories.projectId, projectId), inArray(categories.id, [...new Set(ids)])));
  return new Map(rows.map((r) => [r.id, r.path]));
}
