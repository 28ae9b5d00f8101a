/**
 * Aggregations behind the dashboard's activity charts, each one SQL statement grouped
 * by bucket (or annotator) with the project id and the range in the where clause.
 */
import { and, desc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { annotations, labels, users } from "@/db/schema";
import { bucketSql, type ResolvedRange } from "./range";

type Scope = { projectId: number; range: ResolvedRange };

const DECISION = sql`${annotations.action} in ('accept','correct','reject')`;
/** Work on an item: a decision or a skip (skipping takes reading time too). */
const WORK_ACTIONS = ["accept", "correct", "reject", "skip"] as const;
export const MAX_ANNOTATORS = 100;

export type LabelsBucket = { bucket: string; human: number; auto: number; import: number };

/**
 * Current labels by the bucket in which they were set and their source: every labelled
 * item counts once, on the day its current label was set, so the bars add up to the
 * project's label counts (a model label a person later corrected counts as human).
 */
export async function labelsPerBucket(db: DbOrTx, s: Scope): Promise<LabelsBucket[]> {
  const bucket = bucketSql(labels.updatedAt, s.range.bucket);
  const rows = await db
    .select({ bucket, source: labels.source, n: sql<number>`count(*)::int` })
    .from(labels)
    .where(
      and(eq(labels.projectId, s.projectId), gte(labels.updatedAt, s.range.from), lt(labels.updatedAt, s.range.to)),
    )
    .groupBy(bucket, labels.source);
  const byKey = new Map(s.range.keys.map((k) => [k, { bucket: k, human: 0, auto: 0, import: 0 }]));
  for (const r of rows) {
    const b = byKey.get(r.bucket);
    if (b) b[r.source] += Number(r.n);
  }
  return [...byKey.values()];
}

export type ThroughputBucket = {
  bucket: string;
  decisions: number;
  skips: number;
  handlingMs: number;
  medianHandlingMs: number | null;
};

export async function throughputPerBucket(db: DbOrTx, s: Scope): Promise<ThroughputBucket[]> {
  const bucket = bucketSql(annotations.createdAt, s.range.bucket);
  const rows = await db
    .select({
      bucket,
      decisions: sql<number>`(count(*) filter (where ${DECISION}))::int`,
      skips: sql<number>`(count(*) filter (where ${annotations.action} = 'skip'))::int`,
      handlingMs: sql<number>`coalesce(sum(${annotations.timeSpentMs}), 0)::float8`,
      medianMs: sql<
        number | null
      >`(percentile_cont(0.5) within group (order by ${annotations.timeSpentMs}) filter (where ${DECISION}))::float8`,
    })
    .from(annotations)
    .where(inRange(s))
    .groupBy(bucket);
  const byKey = new Map(rows.map((r) => [r.bucket, r]));
  return s.range.keys.map((k) => {
    const r = byKey.get(k);
    return {
      bucket: k,
      decisions: Number(r?.decisions ?? 0),
      skips: Number(r?.skips ?? 0),
      handlingMs: Number(r?.handlingMs ?? 0),
      medianHandlingMs: r?.medianMs == null ? null : Number(r.medianMs),
    };
  });
}

export type AnnotatorStats = {
  userId: number;
  name: string;
  decisions: number;
  skips: number;
  /** Decisions per hour of handling time (only decisions with a recorded time count). */
  decisionsPerHour: number | null;
  medianHandlingMs: number | null;
  /** Share of decisions that kept the model's suggestion, among those that had one. */
  agreement: number | null;
};

export async function annotatorStats(db: DbOrTx, s: Scope): Promise<AnnotatorStats[]> {
  const rows = await db
    .select({
      userId: annotations.userId,
      name: users.name,
      decisions: sql<number>`(count(*) filter (where ${DECISION}))::int`,
      skips: sql<number>`(count(*) filter (where ${annotations.action} = 'skip'))::int`,
      timed: sql<number>`(count(${annotations.timeSpentMs}) filter (where ${DECISION}))::int`,
      timedMs: sql<number>`coalesce(sum(${annotations.timeSpentMs}) filter (where ${DECISION}), 0)::float8`,
      medianMs: sql<
        number | null
      >`(percentile_cont(0.5) within group (order by ${annotations.timeSpentMs}) filter (where ${DECISION}))::float8`,
      agreement: sql<number | null>`(avg(case when ${annotations.suggestedCategoryId} is null then null
        when ${annotations.categoryId} = ${annotations.suggestedCategoryId}
        then 1.0 else 0.0 end) filter (where ${DECISION}))::float8`,
    })
    .from(annotations)
    .innerJoin(users, eq(users.id, annotations.userId))
    .where(inRange(s))
    .groupBy(annotations.userId, users.name)
    .orderBy(desc(sql`count(*) filter (where ${DECISION})`), annotations.userId)
    .limit(MAX_ANNOTATORS);
  return rows.map((r) => {
    const timedMs = Number(r.timedMs);
    return {
      userId: r.userId,
      name: r.name,
      decisions: Number(r.decisions),
      skips: Number(r.skips),
      decisionsPerHour: timedMs > 0 ? Number(r.timed) / (timedMs / 3_600_000) : null,
      medianHandlingMs: r.medianMs == null ? null : Number(r.medianMs),
      agreement: r.agreement == null ? null : Number(r.agreement),
    };
  });
}

/**
 * Median handling time of a human decision in the range; the project's all-time median
 * when the range has none, so "hours saved" still has a price for a quiet week.
 */
export async function medianDecisionMs(db: DbOrTx, s: Scope): Promise<number | null> {
  const median = (where: ReturnType<typeof and>) =>
    db
      .select({
        ms: sql<number | null>`(percentile_cont(0.5) within group (order by ${annotations.timeSpentMs}))::float8`,
      })
      .from(annotations)
      .where(and(where, DECISION));
  const [inRangeRow] = await median(inRange(s));
  if (inRangeRow?.ms != null) return Number(inRangeRow.ms);
  const [allTime] = await median(eq(annotations.projectId, s.projectId));
  return allTime?.ms == null ? null : Number(allTime.ms);
}

function inRange(s: Scope) {
  return and(
    eq(annotations.projectId, s.projectId),
    gte(annotations.createdAt, s.range.from),
    lt(annotations.createdAt, s.range.to),
    inArray(annotations.action, [...WORK_ACTIONS]),
  );
}
