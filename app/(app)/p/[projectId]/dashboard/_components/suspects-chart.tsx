"use client";
/** Suspected wrong labels over time: what the label-error detector found, and what people decided on them. */
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import type { RouterOutputs } from "@/app/_lib/trpc/types";
import { AXIS_TICK, CHART_STYLE, ChartCard, GRID_STROKE, LEGEND_STYLE, TOOLTIP_STYLE } from "./chart-card";
import { bucketLabel } from "../_lib/format";

type Trends = RouterOutputs["dashboard"]["trends"];

export function SuspectsChart({ trends, file }: { trends: Trends; file: string }) {
  const data = trends.suspects.map((s) => ({ ...s, label: bucketLabel(s.bucket) }));
  const found = data.reduce((a, d) => a + d.found, 0);
  const confirmed = data.reduce((a, d) => a + d.confirmed, 0);
  const kept = data.reduce((a, d) => a + d.kept, 0);
  return (
    <ChartCard
      id="suspects"
      title="Suspected wrong labels"
      description={`Labels the detector flagged after training (${found} in this range), and people's decisions on them: ${confirmed} confirmed wrong and corrected, ${kept} kept.`}
      empty={
        found + confirmed + kept === 0
          ? "No label was flagged in this range: the detector runs after each training run once 50 items are labelled."
          : undefined
      }
      csv={{
        filename: `${file}-suspected-labels`,
        rows: data,
        columns: [
          { header: "period_start", value: (r) => r.bucket },
          { header: "found", value: (r) => r.found },
          { header: "confirmed_wrong", value: (r) => r.confirmed },
          { header: "kept", value: (r) => r.kept },
        ],
      }}
    >
      <BarChart responsive style={CHART_STYLE} data={data} margin={{ top: 8, right: 12, bottom: 4, left: -8 }}>
        <CartesianGrid stroke={GRID_STROKE} vertical={false} />
        <XAxis dataKey="label" tick={AXIS_TICK} tickLine={false} minTickGap={12} />
        <YAxis allowDecimals={false} tick={AXIS_TICK} tickLine={false} />
        <Tooltip {...TOOLTIP_STYLE} />
        <Legend wrapperStyle={LEGEND_STYLE} />
        <Bar name="Found" dataKey="found" fill="var(--color-warn)" isAnimationActive={false} />
        <Bar name="Confirmed wrong" dataKey="confirmed" fill="var(--color-danger)" isAnimationActive={false} />
        <Bar name="Kept" dataKey="kept" fill="var(--color-ok)" isAnimationActive={false} />
      </BarChart>
    </ChartCard>
  );
}
