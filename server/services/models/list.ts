/** Reading model versions for the UI: list, details, progress, comparison. Artifacts never leave the server. */
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { modelVersions, projects } from "@/db/schema";
import { NotFoundError } from "@/server/errors";
import { currentCalibration } from "./load";

type Summary = { accuracy: number | null; macroF1: number | null; ece: number | null; coverageAtTarget: number | null };
type Confusion = { trueCategoryId: number; predictedCategoryId: number; count: number };

async function activeId(db: DbOrTx, projectId: number) {
  const [p] = await db
    .select({ active: projects.activeModelVersionId })
    .from(projects)
    .where(eq(projects.id, projectId));
  if (!p) throw new NotFoundError("Project");
  return p.active;
}

const listCols = {
  id: modelVersions.id,
  version: modelVersions.version,
  status: modelVersions.status,
  trigger: modelVersions.trigger,
  labelCount: modelVersions.labelCount,
  backend: modelVersions.backend,
  trainMs: modelVersions.trainMs,
  error: modelVersions.error,
  createdAt: modelVersions.createdAt,
  finishedAt: modelVersions.finishedAt,
  summary: sql<Summary | null>`${modelVersions.metrics}->'summary'`,
  /** Train, calibration hold-out, gold and audit counts (null before the run ends). */
  splits: sql<Record<string, number> | null>`${modelVersions.metrics}->'splits'`,
};

/**
 * A page of versions, newest first, plus the active version and the one a
 * rollback would return to, whichever page they are on: the UI needs them
 * for every row (rollback vs activate, compare with the active one).
 */
export async function listModels(db: DbOrTx, p: { projectId: number; limit: number; cursor?: number }) {
  const active = await activeId(db, p.projectId);
  const [rows, pinned] = await Promise.all([
    db
      .select(listCols)
      .from(modelVersions)
      .where(and(eq(modelVersions.projectId, p.projectId), p.cursor ? lt(modelVersions.version, p.cursor) : undefined))
      .orderBy(desc(modelVersions.version))
      .limit(p.limit + 1),
    activeAndPrevious(db, p.projectId, active),
  ]);
  const page = rows.slice(0, p.limit).map((r) => ({ ...r, active: r.id === active }));
  const nextCursor = rows.length > p.limit ? (page[page.length - 1]?.version ?? null) : null;
  return { versions: page, nextCursor, ...pinned };
}

async function activeAndPrevious(db: DbOrTx, projectId: number, activeVersionId: number | null) {
  const pick = { id: modelVersions.id, version: modelVersions.version, summary: listCols.summary };
  if (activeVersionId === null) return { active: null, previousReady: null };
  const [active] = await db
    .select(pick)
    .from(modelVersions)
    .where(and(eq(modelVersions.id, activeVersionId), eq(modelVersions.projectId, projectId)));
  if (!active) return { active: null, previousReady: null };
  const [previousReady] = await db
    .select(pick)
    .from(modelVersions)
    .where(
      and(
        eq(modelVersions.projectId, projectId),
        eq(modelVersions.status, "ready"),
        lt(modelVersions.version, active.version),
      ),
    )
    .orderBy(desc(modelVersions.version))
    .limit(1);
  return { active, previousReady: previousReady ?? null };
}

const detailCols = {
  id: modelVersions.id,
  version: modelVersions.version,
  status: modelVersions.status,
  trigger: modelVersions.trigger,
  labelCount: modelVersions.labelCount,
  datasetHash: modelVersions.datasetHash,
  categoryIds: modelVersions.categoryIds,
  metrics: modelVersions.metrics,
  progress: modelVersions.progress,
  artifactSha256: modelVersions.artifactSha256,
  backend: modelVersions.backend,
  trainMs: modelVersions.trainMs,
  error: modelVersions.error,
  currentCalibrationId: modelVersions.currentCalibrationId,
  createdAt: modelVersions.createdAt,
  startedAt: modelVersions.startedAt,
  finishedAt: modelVersions.finishedAt,
};

export async function getModel(db: DbOrTx, p: { projectId: number; versionId: number }) {
  const [v] = await db
    .select(detailCols)
    .from(modelVersions)
    .where(and(eq(modelVersions.id, p.versionId), eq(modelVersions.projectId, p.projectId)));
  if (!v) throw new NotFoundError("Model version");
  const calibration = await currentCalibration(db, p.projectId, p.versionId);
  return { ...v, active: (await activeId(db, p.projectId)) === v.id, calibration };
}

/** The given run, or the project's open run (or newest) when none is given: what the UI polls. */
export async function getTrainingProgress(db: DbOrTx, p: { projectId: number; versionId?: number }) {
  const [v] = await db
    .select({
      id: modelVersions.id,
      version: modelVersions.version,
      status: modelVersions.status,
      progress: modelVersions.progress,
      error: modelVersions.error,
      startedAt: modelVersions.startedAt,
      heartbeatAt: modelVersions.heartbeatAt,
      finishedAt: modelVersions.finishedAt,
    })
    .from(modelVersions)
    .where(and(eq(modelVersions.projectId, p.projectId), p.versionId ? eq(modelVersions.id, p.versionId) : undefined))
    .orderBy(sql`(${modelVersions.status} in ('queued','training')) desc`, desc(modelVersions.version))
    .limit(1);
  if (!v && p.versionId) throw new NotFoundError("Model version");
  if (!v) return null;
  const { jobId: _jobId, ...progress } = v.progress ?? { phase: v.status };
  return { ...v, progress };
}

function confusionDeltas(a: Confusion[], b: Confusion[]) {
  const key = (c: Confusion) => `${c.trueCategoryId}>${c.predictedCategoryId}`;
  const m = new Map<string, { trueCategoryId: number; predictedCategoryId: number; a: number; b: number }>();
  for (const c of a)
    m.set(key(c), { trueCategoryId: c.trueCategoryId, predictedCategoryId: c.predictedCategoryId, a: c.count, b: 0 });
  for (const c of b)
    m.set(key(c), {
      ...(m.get(key(c)) ?? { trueCategoryId: c.trueCategoryId, predictedCategoryId: c.predictedCategoryId, a: 0 }),
      b: c.count,
    });
  return [...m.values()]
    .map((x) => ({ ...x, delta: x.b - x.a }))
    .filter((x) => x.delta !== 0)
    .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta))
    .slice(0, 20);
}

export async function compareModels(db: DbOrTx, p: { projectId: number; a: number; b: number }) {
  const rows = await db
    .select({ id: modelVersions.id, version: modelVersions.version, metrics: modelVersions.metrics })
    .from(modelVersions)
    .where(and(eq(modelVersions.projectId, p.projectId), inArray(modelVersions.id, [p.a, p.b])));
  const a = rows.find((r) => r.id === p.a);
  const b = rows.find((r) => r.id === p.b);
  if (!a || !b) throw new NotFoundError("Model version");
  const sa = (a.metrics?.summary ?? {}) as Summary;
  const sb = (b.metrics?.summary ?? {}) as Summary;
  const keys = ["accuracy", "macroF1", "ece", "coverageAtTarget"] as const;
  const deltas = Object.fromEntries(
    keys.map((k) => {
      const [va, vb] = [sa[k] ?? null, sb[k] ?? null];
      return [k, { a: va, b: vb, delta: va !== null && vb !== null ? vb - va : null }];
    }),
  );
  const conf = (m: typeof a.metrics) => (m?.gold as { confusions?: Confusion[] } | undefined)?.confusions ?? [];
  return {
    a: { id: a.id, version: a.version },
    b: { id: b.id, version: b.version },
    deltas,
    confusions: confusionDeltas(conf(a.metrics), conf(b.metrics)),
  };
}
