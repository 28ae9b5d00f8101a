/** Metrics over time (snapshots) and now (computed on request). */
import { and, asc, eq, gte, lte } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { metricSnapshots } from "@/db/schema";
import { computeCurrentMetrics } from "./snapshot";

export async function listMetricTimeline(
  db: DbOrTx,
  p: { projectId: number; from?: Date; to?: Date; kind?: "training" | "hourly"; limit: number },
) {
  return db
    .select({
      id: metricSnapshots.id,
      kind: metricSnapshots.kind,
      modelVersionId: metricSnapshots.modelVersionId,
      metrics: metricSnapshots.metrics,
      takenAt: metricSnapshots.takenAt,
    })
    .from(metricSnapshots)
    .where(
      and(
        eq(metricSnapshots.projectId, p.projectId),
        p.from ? gte(metricSnapshots.takenAt, p.from) : undefined,
        p.to ? lte(metricSnapshots.takenAt, p.to) : undefined,
        p.kind ? eq(metricSnapshots.kind, p.kind) : undefined,
      ),
    )
    .orderBy(asc(metricSnapshots.takenAt))
    .limit(p.limit);
}

export async function getCurrentMetrics(db: DbOrTx, p: { projectId: number }) {
  return computeCurrentMetrics(db, p.projectId);
}
