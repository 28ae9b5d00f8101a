/**
 * The manager's dashboard: what metrics.* does not give, over a date range.
 * Every figure is computed from the database on request (SQL aggregation per
 * bucket), so it never disagrees with the rows it summarises.
 */
import { getProjectSettings } from "@/server/services/projects";
import { suspectCounts } from "@/server/services/label-errors";
import type { DbOrTx } from "@/db/client";
import { annotatorStats, labelsPerBucket, medianDecisionMs, throughputPerBucket } from "./activity";
import { costSeries } from "./cost";
import { agreementByAnnotator, agreementOf, peerPairs } from "./peer-agreement";
import { resolveRange } from "./range";
import { liveAuditedPrecision, snapshotSeries, versionAccuracy } from "./trends";

export { getActiveModelQuality } from "./model-quality";

type RangeParams = { projectId: number; from?: Date; to?: Date };

/** Labels per bucket by source, throughput, per-annotator speed, agreement between annotators, and cost / hours saved. */
export async function getDashboardActivity(db: DbOrTx, p: RangeParams, now = new Date()) {
  const { hourlyCost } = await getProjectSettings(db, { projectId: p.projectId });
  const range = await resolveRange(db, p, now);
  const scope = { projectId: p.projectId, range };
  const [labelsSeries, throughput, annotators, medianHandlingMs, peers] = await Promise.all([
    labelsPerBucket(db, scope),
    throughputPerBucket(db, scope),
    annotatorStats(db, scope),
    medianDecisionMs(db, scope),
    peerPairs(db, scope),
  ]);
  const byPerson = agreementByAnnotator(peers);
  const handlingByKey = new Map(throughput.map((t) => [t.bucket, t.handlingMs]));
  const cost = costSeries(
    labelsSeries.map((l) => ({
      bucket: l.bucket,
      handlingMs: handlingByKey.get(l.bucket) ?? 0,
      humanLabels: l.human,
      autoLabels: l.auto,
    })),
    { hourlyCost, medianHandlingMs },
  );
  return {
    range: { from: range.from, to: range.to, bucket: range.bucket },
    labels: labelsSeries,
    throughput,
    annotators: annotators.map((a) => {
      const mine = byPerson.get(a.userId);
      return { ...a, peerPairs: mine?.pairs ?? 0, peerAgreement: mine ? mine.agreed / mine.pairs : null };
    }),
    /** Second opinions (overlap picks) against the first person's label. */
    peerAgreement: agreementOf(peers),
    cost: { hourlyCost, medianHandlingMs, total: cost.total, series: cost.series },
  };
}

/** Accuracy per model version, automation rate and audited precision over the range. */
export async function getDashboardTrends(db: DbOrTx, p: RangeParams, now = new Date()) {
  const { precisionTarget } = await getProjectSettings(db, { projectId: p.projectId });
  const range = await resolveRange(db, p, now);
  const scope = { projectId: p.projectId, range };
  // A range that ends before now is read from its snapshots alone (a page passes its own "now" as the end, a moment ago).
  const reachesNow = range.to.getTime() >= now.getTime() - 5 * 60_000;
  const [versions, snapshots, suspects, auditedNow] = await Promise.all([
    versionAccuracy(db, scope),
    snapshotSeries(db, scope),
    suspectCounts(db, { projectId: p.projectId, ...range }),
    reachesNow ? liveAuditedPrecision(db, p.projectId) : null,
  ]);
  return {
    range: { from: range.from, to: range.to, bucket: range.bucket },
    precisionTarget,
    versions,
    snapshots,
    /** Audited precision of the active version now, when the range reaches now and it has been audited. */
    auditedNow,
    suspects,
  };
}
