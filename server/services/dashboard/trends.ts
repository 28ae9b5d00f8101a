/**
 * Quality over time: gold-test accuracy of every finished model version, and the
 * metric snapshots (taken after each training run and hourly) thinned to the last
 * one per bucket, with the automation rate and audited precision read from them.
 */
import { and, asc, eq, gte, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { metricSnapshots, modelVersions, projects } from "@/db/schema";
import { auditedPrecision } from "@/server/services/metrics";
import { bucketSql, type ResolvedRange } from "./range";

type Scope = { projectId: number; range: ResolvedRange };
export const MAX_VERSIONS = 200;

export type VersionPoint = {
  id: number;
  version: number;
  finishedAt: Date;
  accuracy: number | null;
  macroF1: number | null;
  ece: number | null;
  active: boolean;
};

export async function versionAccuracy(db: DbOrTx, s: Scope): Promise<VersionPoint[]> {
  const rows = await db
    .select({
      id: modelVersions.id,
      version: modelVersions.version,
      finishedAt: modelVersions.finishedAt,
      accuracy: sql<number | null>`(${modelVersions.metrics}->'summary'->>'accuracy')::float8`,
      macroF1: sql<number | null>`(${modelVersions.metrics}->'summary'->>'macroF1')::float8`,
      ece: sql<number | null>`(${modelVersions.metrics}->'summary'->>'ece')::float8`,
      active: sql<boolean>`${projects.activeModelVersionId} is not distinct from ${modelVersions.id}`,
    })
    .from(modelVersions)
    .innerJoin(projects, eq(projects.id, modelVersions.projectId))
    .where(
      and(
        eq(modelVersions.projectId, s.projectId),
        eq(modelVersions.status, "ready"),
        gte(modelVersions.finishedAt, s.range.from),
        lt(modelVersions.finishedAt, s.range.to),
      ),
    )
    .orderBy(asc(modelVersions.finishedAt), asc(modelVersions.version))
    .limit(MAX_VERSIONS);
  return rows.flatMap(({ finishedAt, ...r }) =>
    finishedAt
      ? [
          {
            ...r,
            finishedAt,
            accuracy: num(r.accuracy),
            macroF1: num(r.macroF1),
            ece: num(r.ece),
            active: Boolean(r.active),
          },
        ]
      : [],
  );
}

export type SnapshotPoint = {
  bucket: string;
  takenAt: Date;
  /** Auto labels / (auto + human labels): the share of the loop's categorisation the model did. */
  automationRate: number | null;
  autoLabels: number;
  humanLabels: number;
  /** Audited precision of the active version's auto-accepts, with its 95% Wilson interval. */
  auditedPrecision: number | null;
  auditedLower: number | null;
  auditedUpper: number | null;
  audits: number;
  modelVersion: number | null;
};

export async function snapshotSeries(db: DbOrTx, s: Scope): Promise<SnapshotPoint[]> {
  const bucket = bucketSql(metricSnapshots.takenAt, s.range.bucket);
  const m = metricSnapshots.metrics;
  const rows = await db
    .selectDistinctOn([bucket], {
      bucket,
      takenAt: metricSnapshots.takenAt,
      auto: sql<number | null>`(${m}->'labelsBySource'->>'auto')::float8`,
      human: sql<number | null>`(${m}->'labelsBySource'->>'human')::float8`,
      precision: sql<number | null>`(${m}->'auditedPrecision'->>'precision')::float8`,
      lower: sql<number | null>`(${m}->'auditedPrecision'->>'lower')::float8`,
      upper: sql<number | null>`(${m}->'auditedPrecision'->>'upper')::float8`,
      audits: sql<number | null>`(${m}->'auditedPrecision'->>'n')::float8`,
      modelVersion: sql<number | null>`(${m}->'model'->>'version')::int`,
    })
    .from(metricSnapshots)
    .where(
      and(
        eq(metricSnapshots.projectId, s.projectId),
        gte(metricSnapshots.takenAt, s.range.from),
        lt(metricSnapshots.takenAt, s.range.to),
      ),
    )
    // The latest snapshot of each bucket stands for it.
    .orderBy(bucket, sql`${metricSnapshots.takenAt} desc`)
    .limit(s.range.keys.length + 1);
  return rows.map((r) => {
    const auto = Number(r.auto ?? 0);
    const human = Number(r.human ?? 0);
    const audits = Number(r.audits ?? 0);
    return {
      bucket: r.bucket,
      takenAt: r.takenAt,
      automationRate: auto + human > 0 ? auto / (auto + human) : null,
      autoLabels: auto,
      humanLabels: human,
      // No audits yet: the interval is [0, 1] and says nothing, so it is not drawn.
      auditedPrecision: audits > 0 ? num(r.precision) : null,
      auditedLower: audits > 0 ? num(r.lower) : null,
      auditedUpper: audits > 0 ? num(r.upper) : null,
      audits,
      modelVersion: r.modelVersion == null ? null : Number(r.modelVersion),
    };
  });
}

export type LiveAudited = Pick<SnapshotPoint, "auditedPrecision" | "auditedLower" | "auditedUpper" | "audits">;

/**
 * Audited precision of the active version now, read from the audit decisions themselves: snapshots are taken after
 * training and hourly, so an audit made since the last one would otherwise read as "no audits yet". Null without
 * an active version or an audit of it.
 */
export async function liveAuditedPrecision(db: DbOrTx, projectId: number): Promise<LiveAudited | null> {
  const [p] = await db
    .select({ active: projects.activeModelVersionId })
    .from(projects)
    .where(eq(projects.id, projectId))
    .limit(1);
  if (!p?.active) return null;
  const a = await auditedPrecision(db, projectId, p.active);
  if (a.n === 0) return null;
  return { auditedPrecision: a.precision, auditedLower: a.lower, auditedUpper: a.upper, audits: a.n };
}

function num(v: number | string | null): number | null {
  return v == null ? null : Number(v);
}
