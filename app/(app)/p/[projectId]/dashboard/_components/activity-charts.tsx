"use client";
/** People and money: labels per period by source, throughput, per-annotator speed, cost per item and hours saved. */
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, Tooltip, XAxis, YAxis } from "recharts";
import type { RouterOutputs } from "@/app/_lib/trpc/types";
import { TBody, THead, Table, Td, Th, Tr } from "@/app/_components/ui/table";
import {
  AXIS_TICK,
  CHART_STYLE,
  ChartCard,
  GRID_STROKE,
  LEGEND_STYLE,
  SOURCE_COLOURS,
  TOOLTIP_STYLE,
} from "./chart-card";
import { bucketLabel, hours, money, num, pct, seconds, unitCost } from "../_lib/format";

type Activity = RouterOutputs["dashboard"]["activity"];

function per(a: Activity): string {
  return a.range.bucket === "week" ? "week" : "day";
}

export function LabelsChart({ activity, file }: { activity: Activity; file: string }) {
  const data = activity.labels.map((l) => ({ ...l, label: bucketLabel(l.bucket) }));
  const total = data.reduce((s, d) => s + d.human + d.auto + d.import, 0);
  return (
    <ChartCard
      id="labels"
      title={`Labels per ${per(activity)} by source`}
      description="Each item's current label, on the day it was set: people, the model (auto-accepted) or an import."
      empty={total === 0 ? "No labels were set in this range." : undefined}
      csv={{
        filename: `${file}-labels-by-source`,
        rows: data,
        columns: [
          { header: "period_start", value: (r) => r.bucket },
          { header: "human", value: (r) => r.human },
          { header: "auto", value: (r) => r.auto },
          { header: "import", value: (r) => r.import },
        ],
      }}
    >
      <BarChart responsive style={CHART_STYLE} data={data} margin={{ top: 8, right: 12, bottom: 4, left: -8 }}>
        <CartesianGrid stroke={GRID_STROKE} vertical={false} />
        <XAxis dataKey="label" tick={AXIS_TICK} tickLine={false} minTickGap={12} />
        <YAxis allowDecimals={false} tick={AXIS_TICK} tickLine={false} />
        <Tooltip {...TOOLTIP_STYLE} />
        <Legend wrapperStyle={LEGEND_STYLE} />
        <Bar name="Human" dataKey="human" stackId="labels" fill={SOURCE_COLOURS.human} isAnimationActive={false} />
        <Bar name="Auto" dataKey="auto" stackId="labels" fill={SOURCE_COLOURS.auto} isAnimationActive={false} />
        <Bar name="Import" dataKey="import" stackId="labels" fill={SOURCE_COLOURS.import} isAnimationActive={false} />
      </BarChart>
    </ChartCard>
  );
}

export function ThroughputChart({ activity, file }: { activity: Activity; file: string }) {
  const data = activity.throughput.map((t) => ({
    ...t,
    label: bucketLabel(t.bucket),
    medianSeconds: t.medianHandlingMs === null ? null : t.medianHandlingMs / 1000,
  }));
  return (
    <ChartCard
      id="throughput"
      title={`Decisions per ${per(activity)} and median handling time`}
      description="Accept, correct and reject decisions by everyone (bars) and the median time a decision took (line)."
      empty={data.every((d) => d.decisions === 0) ? "Nobody reviewed items in this range." : undefined}
      csv={{
        filename: `${file}-throughput`,
        rows: data,
        columns: [
          { header: "period_start", value: (r) => r.bucket },
          { header: "decisions", value: (r) => r.decisions },
          { header: "skips", value: (r) => r.skips },
          { header: "handling_ms", value: (r) => r.handlingMs },
          { header: "median_decision_ms", value: (r) => r.medianHandlingMs },
        ],
      }}
    >
      <ComposedChart responsive style={CHART_STYLE} data={data} margin={{ top: 8, right: 4, bottom: 4, left: -8 }}>
        <CartesianGrid stroke={GRID_STROKE} vertical={false} />
        <XAxis dataKey="label" tick={AXIS_TICK} tickLine={false} minTickGap={12} />
        <YAxis yAxisId="n" allowDecimals={false} tick={AXIS_TICK} tickLine={false} />
        <YAxis
          yAxisId="s"
          orientation="right"
          tick={AXIS_TICK}
          tickLine={false}
          tickFormatter={(v: number) => `${v}s`}
        />
        <Tooltip
          {...TOOLTIP_STYLE}
          formatter={(v, name) =>
            name === "Median handling time" && typeof v === "number" ? [`${v.toFixed(1)} s`, name] : [String(v), name]
          }
        />
        <Legend wrapperStyle={LEGEND_STYLE} />
        <Bar
          yAxisId="n"
          name="Decisions"
          dataKey="decisions"
          fill="var(--color-ok)"
          fillOpacity={0.8}
          isAnimationActive={false}
        />
        <Line
          yAxisId="s"
          name="Median handling time"
          dataKey="medianSeconds"
          stroke="var(--color-warn)"
          strokeWidth={2}
          dot={{ r: 2.5 }}
          isAnimationActive={false}
          connectNulls
        />
      </ComposedChart>
    </ChartCard>
  );
}

export function AnnotatorsChart({ activity, file }: { activity: Activity; file: string }) {
  const rows = activity.annotators;
  const data = rows.filter((r) => r.decisionsPerHour !== null);
  return (
    <ChartCard
      id="annotators"
      className="lg:col-span-2"
      title="Per annotator"
      description="Decisions per hour of handling time, median time per decision, how often people kept the model's suggestion, and how often they agreed with a colleague on second opinions."
      empty={rows.length === 0 ? "Nobody reviewed items in this range." : undefined}
      csv={{
        filename: `${file}-annotators`,
        rows,
        columns: [
          { header: "annotator", value: (r) => r.name },
          { header: "decisions", value: (r) => r.decisions },
          { header: "skips", value: (r) => r.skips },
          { header: "decisions_per_hour", value: (r) => r.decisionsPerHour },
          { header: "median_decision_ms", value: (r) => r.medianHandlingMs },
          { header: "agreement_with_model", value: (r) => r.agreement },
          { header: "second_opinion_pairs", value: (r) => r.peerPairs },
          { header: "agreement_with_colleagues", value: (r) => r.peerAgreement },
        ],
      }}
    >
      <div className="grid gap-4 lg:grid-cols-[2fr_3fr]">
        {data.length > 0 ? (
          <BarChart
            responsive
            layout="vertical"
            style={{ width: "100%", height: Math.max(140, data.length * 28 + 40) }}
            data={data}
            margin={{ top: 4, right: 16, bottom: 4, left: 8 }}
          >
            <CartesianGrid stroke={GRID_STROKE} horizontal={false} />
            <XAxis type="number" tick={AXIS_TICK} tickLine={false} />
            <YAxis type="category" dataKey="name" width={120} tick={AXIS_TICK} tickLine={false} />
            <Tooltip
              {...TOOLTIP_STYLE}
              formatter={(v) => [typeof v === "number" ? v.toFixed(0) : "–", "Decisions per hour"]}
            />
            <Bar
              name="Decisions per hour"
              dataKey="decisionsPerHour"
              fill="var(--color-ok)"
              fillOpacity={0.8}
              isAnimationActive={false}
            />
          </BarChart>
        ) : (
          <p className="self-center text-center text-sm text-muted">No handling times recorded yet.</p>
        )}
        <Table caption="Per-annotator statistics">
          <THead>
            <tr>
              <Th>Annotator</Th>
              <Th className="text-right">Decisions</Th>
              <Th className="text-right">Skips</Th>
              <Th className="text-right">Per hour</Th>
              <Th className="text-right">Median time</Th>
              <Th className="text-right" title="Share of decisions that kept the model's suggestion">
                Agreement
              </Th>
              <Th
                className="text-right"
                title="Second opinions this person gave or received that matched the other side, out of all of them"
              >
                With colleagues
              </Th>
            </tr>
          </THead>
          <TBody>
            {rows.map((r) => (
              <Tr key={r.userId}>
                <Td className="max-w-48 truncate font-medium" title={r.name}>
                  {r.name}
                </Td>
                <Td className="text-right tabular-nums">{num(r.decisions)}</Td>
                <Td className="text-right tabular-nums">{num(r.skips)}</Td>
                <Td className="text-right tabular-nums">
                  {r.decisionsPerHour === null ? "–" : r.decisionsPerHour.toFixed(0)}
                </Td>
                <Td className="text-right tabular-nums">{seconds(r.medianHandlingMs)}</Td>
                <Td className="text-right tabular-nums">{pct(r.agreement, 0)}</Td>
                <Td
                  className="text-right tabular-nums"
                  title={r.peerPairs ? `${r.peerPairs} second opinions` : undefined}
                >
                  {r.peerPairs ? `${pct(r.peerAgreement, 0)} of ${num(r.peerPairs)}` : "–"}
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      </div>
    </ChartCard>
  );
}

/** Costs under 1 keep two significant digits, so ticks a hundredth of a cent apart still read differently. */
function axisMoney(v: number): string {
  if (v === 0) return "0";
  return Math.abs(v) < 1 ? String(Number(v.toPrecision(2))) : money(v);
}

export function CostChart({ activity, file }: { activity: Activity; file: string }) {
  const { cost } = activity;
  const data = cost.series.map((c) => ({ ...c, label: bucketLabel(c.bucket) }));
  return (
    <ChartCard
      id="cost"
      title="Cost per item and hours saved"
      description={
        <>
          Human time at {money(cost.hourlyCost)} per hour ÷ items categorised (bars); auto-accepted items × the median
          decision time ({seconds(cost.medianHandlingMs)}), summed over the range (line).
        </>
      }
      empty={
        data.every((d) => d.itemsCategorised === 0 && d.humanCost === 0)
          ? "No items were categorised in this range."
          : undefined
      }
      csv={{
        filename: `${file}-cost-and-hours-saved`,
        rows: data,
        columns: [
          { header: "period_start", value: (r) => r.bucket },
          { header: "human_hours", value: (r) => r.humanHours },
          { header: "human_cost", value: (r) => r.humanCost },
          { header: "items_categorised", value: (r) => r.itemsCategorised },
          { header: "cost_per_item", value: (r) => r.costPerItem },
          { header: "auto_accepted", value: (r) => r.autoAccepted },
          { header: "hours_saved", value: (r) => r.hoursSaved },
          { header: "cumulative_hours_saved", value: (r) => r.cumulativeHoursSaved },
          { header: "hourly_cost", value: () => cost.hourlyCost },
          { header: "median_decision_ms", value: () => cost.medianHandlingMs },
        ],
      }}
    >
      <ComposedChart responsive style={CHART_STYLE} data={data} margin={{ top: 8, right: 4, bottom: 4, left: -8 }}>
        <CartesianGrid stroke={GRID_STROKE} vertical={false} />
        <XAxis dataKey="label" tick={AXIS_TICK} tickLine={false} minTickGap={12} />
        <YAxis yAxisId="cost" tick={AXIS_TICK} tickLine={false} tickFormatter={axisMoney} />
        <YAxis
          yAxisId="hours"
          orientation="right"
          tick={AXIS_TICK}
          tickLine={false}
          tickFormatter={(v: number) => hours(v)}
        />
        <Tooltip
          {...TOOLTIP_STYLE}
          formatter={(v, name) => [
            typeof v === "number" ? (name === "Cost per item" ? unitCost(v) : hours(v)) : "–",
            name,
          ]}
        />
        <Legend wrapperStyle={LEGEND_STYLE} />
        <Bar
          yAxisId="cost"
          name="Cost per item"
          dataKey="costPerItem"
          fill="var(--color-warn)"
          fillOpacity={0.7}
          isAnimationActive={false}
        />
        <Line
          yAxisId="hours"
          name="Hours saved (cumulative)"
          dataKey="cumulativeHoursSaved"
          stroke="var(--color-accent)"
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
          connectNulls
        />
      </ComposedChart>
    </ChartCard>
  );
}
