/** Metric snapshots: after every training run and every hour with activity. */
import { and, desc, eq, gte, isNull, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { annotations, items, labels, metricSnapshots, modelVersions, projects, users } from "@/db/schema";
import { auditedPrecision } from "./audited-precision";

const HOUR = 3_600_000;

async function activeSummary(db: DbOrTx, projectId: number) {
  const [v] = await db
    .select({ id: modelVersions.id, version: modelVersions.version, metrics: modelVersions.metrics })
    .from(projects)
    .innerJoin(modelVersions, eq(modelVersions.id, projects.activeModelVersionId))
    .where(eq(projects.id, projectId));
  if (!v) return null;
  return {
    versionId: v.id,
    version: v.version,
    ...((v.metrics?.summary as Record<string, number | null> | undefined) ?? {}),
  };
}

async function labelsBySource(db: DbOrTx, projectId: number) {
  const rows = await db
    .select({ source: labels.source, n: sql<number>`count(*)::int` })
    .from(labels)
    .where(eq(labels.projectId, projectId))
    .groupBy(labels.source);
  return Object.fromEntries(rows.map((r) => [r.source, r.n])) as Record<string, number>;
}

async function queueSize(db: DbOrTx, projectId: number): Promise<number> {
  const [r] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(items)
    .leftJoin(labels, eq(labels.itemId, items.id))
    .where(and(eq(items.projectId, projectId), eq(items.split, "pool"), isNull(labels.itemId)));
  return r?.n ?? 0;
}

async function throughput(db: DbOrTx, projectId: number, since: Date) {
  const [r] = await db
    .select({
      n: sql<number>`count(*)::int`,
      median: sql<number | null>`percentile_cont(0.5) within group (order by ${annotations.timeSpentMs})`,
    })
    .from(annotations)
    .where(
      and(
        eq(annotations.projectId, projectId),
        gte(annotations.createdAt, since),
        sql`${annotations.action} in ('accept','correct','reject')`,
      ),
    );
  return { decisionsPerHour: r?.n ?? 0, medianHandlingMs: r?.median == null ? null : Number(r.median) };
}

/** Per annotator: decisions and agreement with the model's suggestion (when one was shown). */
async function perAnnotator(db: DbOrTx, projectId: number) {
  return db
    .select({
      userId: annotations.userId,
      name: users.name,
      decisions: sql<number>`count(*)::int`,
      agreement: sql<number | null>`avg(case when ${annotations.suggestedCategoryId} is null then null
        when ${annotations.categoryId} = ${annotations.suggestedCategoryId} then 1.0 else 0.0 end)::float8`,
    })
    .from(annotations)
    .innerJoin(users, eq(users.id, annotations.userId))
    .where(and(eq(annotations.projectId, projectId), sql`${annotations.action} in ('accept','correct','reject')`))
    .groupBy(annotations.userId, users.name)
    .orderBy(desc(sql`count(*)`))
    .limit(100);
}

export async function computeCurrentMetrics(db: DbOrTx, projectId: number, now = new Date()) {
  const model = await activeSummary(db, projectId);
  return {
    model,
    auditedPrecision: model ? await auditedPrecision(db, projectId, model.versionId) : null,
    labelsBySource: await labelsBySource(db, projectId),
    queueSize: await queueSize(db, projectId),
    ...(await throughput(db, projectId, new Date(now.getTime() - HOUR))),
    perAnnotator: await perAnnotator(db, projectId),
  };
}

export async function takeMetricSnapshot(db: Db, projectId: number, kind: "training" | "hourly") {
  const metrics = await computeCurrentMetrics(db, projectId);
  const [row] = await db
    .insert(metricSnapshots)
    .values({ projectId, kind, modelVersionId: metrics.model?.versionId ?? null, metrics })
    .returning({ id: metricSnapshots.id, takenAt: metricSnapshots.takenAt });
  if (!row) throw new Error(`metric snapshot of project ${projectId}: the insert returned no row`);
  return row;
}

/** Hourly snapshot, only when the project had decisions in the last hour and none was taken this hour. */
export async function maybeHourlySnapshot(db: Db, projectId: number, now = new Date()) {
  const since = new Date(now.getTime() - HOUR);
  const [last] = await db
    .select({ id: metricSnapshots.id })
    .from(metricSnapshots)
    .where(
      and(
        eq(metricSnapshots.projectId, projectId),
        eq(metricSnapshots.kind, "hourly"),
        gte(metricSnapshots.takenAt, since),
      ),
    )
    .limit(1);
  if (last) return null;
  const { decisionsPerHour } = await throughput(db, projectId, since);
  return decisionsPerHour > 0 ? takeMetricSnapshot(db, projectId, "hourly") : null;
}
