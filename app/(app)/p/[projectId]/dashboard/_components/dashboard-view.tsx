"use client";
import type { RouterOutputs } from "@/app/_lib/trpc/types";
import { Stat } from "@/app/_components/ui/stat";
import { AnnotatorsChart, CostChart, LabelsChart, ThroughputChart } from "./activity-charts";
import {
  AccuracyChart,
  AuditedPrecisionChart,
  AutomationChart,
  ConfusionsChart,
  ReliabilityChart,
} from "./quality-charts";
import { SuspectsChart } from "./suspects-chart";
import { dateTime, hours, money, pct, seconds, unitCost } from "../_lib/format";

type Props = {
  /** File name stem for CSV downloads: project slug and range. */
  file: string;
  activity: RouterOutputs["dashboard"]["activity"];
  trends: RouterOutputs["dashboard"]["trends"];
  activeModel: RouterOutputs["dashboard"]["activeModel"];
};

export function DashboardView({ file, activity, trends, activeModel }: Props) {
  const decisions = activity.throughput.reduce((s, t) => s + t.decisions, 0);
  const latest = [...trends.snapshots].reverse();
  const automation = latest.find((s) => s.automationRate !== null);
  // The live figure when the range reaches now: an audit made since the last snapshot counts at once.
  const audited = trends.auditedNow ?? latest.find((s) => s.auditedPrecision !== null);
  const total = activity.cost.total;
  const peers = activity.peerAgreement;
  return (
    <div className="space-y-5">
      <section aria-labelledby="summary-heading">
        <h2 id="summary-heading" className="sr-only">
          Summary of the range
        </h2>
        <dl className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-7" data-testid="dashboard-summary">
          <Stat
            label="Items categorised"
            value={total.itemsCategorised}
            hint={`${total.autoAccepted.toLocaleString("en-US")} by the model`}
          />
          <Stat
            label="Human decisions"
            value={decisions}
            hint={`median ${seconds(activity.cost.medianHandlingMs)} each`}
          />
          <Stat
            label="Automation rate"
            value={automation ? pct(automation.automationRate) : null}
            hint={automation ? `as of ${automation.bucket}` : "no snapshot yet"}
          />
          <Stat
            label="Audited precision"
            value={audited ? pct(audited.auditedPrecision) : null}
            hint={
              audited
                ? `${pct(audited.auditedLower)}–${pct(audited.auditedUpper)} · ${audited.audits} audit${audited.audits === 1 ? "" : "s"}`
                : "no audits yet"
            }
          />
          <Stat
            label="Annotator agreement"
            value={peers.rate === null ? null : pct(peers.rate)}
            hint={
              peers.interval
                ? `κ ${peers.kappa === null ? "–" : peers.kappa.toFixed(2)} · ${pct(peers.interval.lower)}–${pct(peers.interval.upper)} · ${peers.pairs} second opinions`
                : "no second opinions (Settings: second-opinion rate)"
            }
          />
          <Stat
            label="Cost per item"
            value={total.costPerItem === null ? null : unitCost(total.costPerItem)}
            hint={`${hours(total.humanHours)} of human time, costing ${money(total.humanCost)}`}
          />
          <Stat
            label="Hours saved"
            value={total.hoursSaved === null ? null : hours(total.hoursSaved)}
            hint={total.moneySaved === null ? "no handling time yet" : `worth ${money(total.moneySaved)}`}
          />
        </dl>
        <p className="mt-2 text-xs text-muted">
          {dateTime(activity.range.from)} to {dateTime(activity.range.to)}, by {activity.range.bucket}. Cost at{" "}
          {money(activity.cost.hourlyCost)} per hour of handling time (project settings).
        </p>
      </section>
      <div className="grid gap-4 lg:grid-cols-2">
        <AccuracyChart trends={trends} file={file} />
        <AutomationChart trends={trends} file={file} />
        <AuditedPrecisionChart trends={trends} file={file} />
        <LabelsChart activity={activity} file={file} />
        <ThroughputChart activity={activity} file={file} />
        <CostChart activity={activity} file={file} />
        <AnnotatorsChart activity={activity} file={file} />
        <ReliabilityChart model={activeModel} file={file} />
        <ConfusionsChart model={activeModel} file={file} />
        <SuspectsChart trends={trends} file={file} />
      </div>
    </div>
  );
}
