"use client";
/** Model quality over time: gold accuracy per version, automation rate, audited precision, reliability, confusions. */
import {
  Area,
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { RouterOutputs } from "@/app/_lib/trpc/types";
import { AXIS_TICK, CHART_STYLE, ChartCard, GRID_STROKE, LEGEND_STYLE, TOOLTIP_STYLE } from "./chart-card";
import { bucketLabel, dateTime, pct, percentDomain } from "../_lib/format";

type Trends = RouterOutputs["dashboard"]["trends"];
type ActiveModel = NonNullable<RouterOutputs["dashboard"]["activeModel"]>;

const percentAxis = (v: number) => `${Number((v * 100).toFixed(1))}%`;
const percentTip = (v: unknown) => (typeof v === "number" ? pct(v) : "–");

export function AccuracyChart({ trends, file }: { trends: Trends; file: string }) {
  const data = trends.versions.map((v) => ({ ...v, label: `v${v.version}` }));
  const plotted = data.filter((d) => d.accuracy !== null);
  return (
    <ChartCard
      id="accuracy"
      title="Gold-test accuracy per model version"
      description="Accuracy and macro-F1 of each finished version on the project's gold test items."
      empty={plotted.length === 0 ? "No model version with gold-test results finished in this range." : undefined}
      csv={{
        filename: `${file}-accuracy-per-version`,
        rows: data,
        columns: [
          { header: "version", value: (r) => r.version },
          { header: "finished_at", value: (r) => r.finishedAt },
          { header: "accuracy", value: (r) => r.accuracy },
          { header: "macro_f1", value: (r) => r.macroF1 },
          { header: "ece", value: (r) => r.ece },
          { header: "active", value: (r) => r.active },
        ],
      }}
    >
      <LineChart responsive style={CHART_STYLE} data={data} margin={{ top: 8, right: 12, bottom: 4, left: -8 }}>
        <CartesianGrid stroke={GRID_STROKE} vertical={false} />
        <XAxis dataKey="label" tick={AXIS_TICK} tickLine={false} />
        <YAxis
          domain={percentDomain(data.flatMap((d) => [d.accuracy, d.macroF1]))}
          tickFormatter={percentAxis}
          tick={AXIS_TICK}
          tickLine={false}
          allowDataOverflow
        />
        <Tooltip
          {...TOOLTIP_STYLE}
          formatter={percentTip}
          labelFormatter={(label, payload) => {
            const p = payload?.[0]?.payload as (typeof data)[number] | undefined;
            return p ? `${String(label)}${p.active ? " (active)" : ""} · ${dateTime(p.finishedAt)}` : String(label);
          }}
        />
        <Legend wrapperStyle={LEGEND_STYLE} />
        <Line
          name="Accuracy"
          dataKey="accuracy"
          stroke="var(--color-accent)"
          strokeWidth={2}
          dot={{ r: 3 }}
          isAnimationActive={false}
          connectNulls
        />
        <Line
          name="Macro-F1"
          dataKey="macroF1"
          stroke="var(--color-warn)"
          strokeWidth={1.5}
          strokeDasharray="4 3"
          dot={{ r: 2 }}
          isAnimationActive={false}
          connectNulls
        />
      </LineChart>
    </ChartCard>
  );
}

export function AutomationChart({ trends, file }: { trends: Trends; file: string }) {
  const data = trends.snapshots.map((s) => ({ ...s, label: bucketLabel(s.bucket) }));
  return (
    <ChartCard
      id="automation"
      title="Automation rate"
      description="Share of the loop's labels set by the model (auto ÷ auto + human), from the last metric snapshot of each period."
      empty={
        data.every((d) => d.automationRate === null)
          ? "No metric snapshot with labels in this range: snapshots are taken after training and hourly while people work."
          : undefined
      }
      csv={{
        filename: `${file}-automation-rate`,
        rows: data,
        columns: [
          { header: "period_start", value: (r) => r.bucket },
          { header: "snapshot_at", value: (r) => r.takenAt },
          { header: "automation_rate", value: (r) => r.automationRate },
          { header: "auto_labels", value: (r) => r.autoLabels },
          { header: "human_labels", value: (r) => r.humanLabels },
        ],
      }}
    >
      <LineChart responsive style={CHART_STYLE} data={data} margin={{ top: 8, right: 12, bottom: 4, left: -8 }}>
        <CartesianGrid stroke={GRID_STROKE} vertical={false} />
        <XAxis dataKey="label" tick={AXIS_TICK} tickLine={false} />
        <YAxis domain={[0, 1]} tickFormatter={percentAxis} tick={AXIS_TICK} tickLine={false} />
        <Tooltip {...TOOLTIP_STYLE} formatter={percentTip} />
        <Line
          name="Automation rate"
          dataKey="automationRate"
          stroke="var(--color-accent)"
          strokeWidth={2}
          dot={{ r: 2.5 }}
          isAnimationActive={false}
          connectNulls
        />
      </LineChart>
    </ChartCard>
  );
}

export function AuditedPrecisionChart({ trends, file }: { trends: Trends; file: string }) {
  const data = trends.snapshots.map((s) => ({
    ...s,
    label: bucketLabel(s.bucket),
    band: s.auditedLower !== null && s.auditedUpper !== null ? [s.auditedLower, s.auditedUpper] : null,
  }));
  return (
    <ChartCard
      id="audited-precision"
      title="Audited precision of auto-accepts"
      description={
        <>
          Share of audited auto-labels people kept, with its 95% interval (band)
          {trends.precisionTarget !== null ? <>; the line marks the {pct(trends.precisionTarget)} target</> : null}.
        </>
      }
      empty={
        data.every((d) => d.auditedPrecision === null)
          ? "No audits of auto-accepted labels yet in this range."
          : undefined
      }
      csv={{
        filename: `${file}-audited-precision`,
        rows: data,
        columns: [
          { header: "period_start", value: (r) => r.bucket },
          { header: "snapshot_at", value: (r) => r.takenAt },
          { header: "model_version", value: (r) => r.modelVersion },
          { header: "audits", value: (r) => r.audits },
          { header: "precision", value: (r) => r.auditedPrecision },
          { header: "lower_95", value: (r) => r.auditedLower },
          { header: "upper_95", value: (r) => r.auditedUpper },
        ],
      }}
    >
      <ComposedChart responsive style={CHART_STYLE} data={data} margin={{ top: 8, right: 12, bottom: 4, left: -8 }}>
        <CartesianGrid stroke={GRID_STROKE} vertical={false} />
        <XAxis dataKey="label" tick={AXIS_TICK} tickLine={false} />
        <YAxis domain={[0, 1]} tickFormatter={percentAxis} tick={AXIS_TICK} tickLine={false} />
        <Tooltip
          {...TOOLTIP_STYLE}
          formatter={(v, name) =>
            Array.isArray(v) ? [`${pct(v[0] as number)} – ${pct(v[1] as number)}`, name] : [percentTip(v), name]
          }
        />
        <Legend wrapperStyle={LEGEND_STYLE} />
        <Area
          name="95% interval"
          dataKey="band"
          stroke="none"
          fill="var(--color-accent)"
          fillOpacity={0.15}
          isAnimationActive={false}
          connectNulls
        />
        <Line
          name="Audited precision"
          dataKey="auditedPrecision"
          stroke="var(--color-accent)"
          strokeWidth={2}
          dot={{ r: 2.5 }}
          isAnimationActive={false}
          connectNulls
        />
        {trends.precisionTarget !== null ? (
          <ReferenceLine y={trends.precisionTarget} stroke="var(--color-danger)" strokeDasharray="4 3" />
        ) : null}
      </ComposedChart>
    </ChartCard>
  );
}

export function ReliabilityChart({ model, file }: { model: ActiveModel | null; file: string }) {
  const data = (model?.reliability ?? []).map((b) => ({
    ...b,
    label: `${Math.round(b.lo * 100)}–${Math.round(b.hi * 100)}%`,
    accuracyOrNull: b.count ? b.accuracy : null,
    confidenceOrNull: b.count ? b.confidence : null,
  }));
  return (
    <ChartCard
      id="reliability"
      title={model ? `Reliability of the active version (v${model.version})` : "Reliability of the active version"}
      description="Per confidence bin on the gold test items: how often the model was right (bars) against how sure it was (dots). Calibrated: dots on the bar tops."
      empty={
        !model
          ? "No active model version yet."
          : data.every((d) => d.count === 0)
            ? "The active version has no gold-test evaluation."
            : undefined
      }
      csv={{
        filename: `${file}-reliability${model ? `-v${model.version}` : ""}`,
        rows: data,
        columns: [
          { header: "confidence_from", value: (r) => r.lo },
          { header: "confidence_to", value: (r) => r.hi },
          { header: "items", value: (r) => r.count },
          { header: "accuracy", value: (r) => r.accuracyOrNull },
          { header: "mean_confidence", value: (r) => r.confidenceOrNull },
        ],
      }}
    >
      <ComposedChart responsive style={CHART_STYLE} data={data} margin={{ top: 8, right: 12, bottom: 4, left: -8 }}>
        <CartesianGrid stroke={GRID_STROKE} vertical={false} />
        <XAxis dataKey="label" tick={{ ...AXIS_TICK, fontSize: 10 }} interval={0} tickLine={false} />
        <YAxis domain={[0, 1]} tickFormatter={percentAxis} tick={AXIS_TICK} tickLine={false} />
        <Tooltip
          {...TOOLTIP_STYLE}
          formatter={percentTip}
          labelFormatter={(label, payload) =>
            `Confidence ${String(label)} · ${(payload?.[0]?.payload as { count?: number } | undefined)?.count ?? 0} items`
          }
        />
        <Legend wrapperStyle={LEGEND_STYLE} />
        <Bar
          name="Accuracy"
          dataKey="accuracyOrNull"
          fill="var(--color-accent)"
          fillOpacity={0.75}
          isAnimationActive={false}
        />
        <Line
          name="Mean confidence"
          dataKey="confidenceOrNull"
          stroke="var(--color-warn)"
          strokeWidth={1.5}
          dot={{ r: 3.5, fill: "var(--color-warn)" }}
          isAnimationActive={false}
          connectNulls
        />
      </ComposedChart>
    </ChartCard>
  );
}

/** Label width of the confusion axis; at 10 px a character is at most ~6.2 px wide, so a line holds 38 characters. */
const LABEL_WIDTH = 250;
const MAX_LABEL = 38;
function shorten(s: string): string {
  return s.length > MAX_LABEL ? `…${s.slice(s.length - MAX_LABEL + 1)}` : s;
}

/**
 * One confusion as two lines (true category, then the predicted one), each cut from the left to fit the axis, so
 * the leaf names stay readable and nothing is drawn outside the chart; the full pair is the tick's tooltip.
 */
function ConfusionTick(props: { x?: number | string; y?: number | string; payload?: { value?: unknown } }) {
  const x = Number(props.x ?? 0);
  const y = Number(props.y ?? 0);
  const pair = String(props.payload?.value ?? "");
  const [truth = "", predicted = ""] = pair.split(" → ");
  return (
    <text x={x} y={y} textAnchor="end" fontSize={10} fill="var(--color-muted)">
      <title>{pair}</title>
      <tspan x={x} dy={-2}>
        {shorten(truth)}
      </tspan>
      <tspan x={x} dy={11}>
        {`→ ${shorten(predicted)}`}
      </tspan>
    </text>
  );
}

export function ConfusionsChart({ model, file }: { model: ActiveModel | null; file: string }) {
  const data = (model?.confusions ?? []).map((c) => ({ ...c, pair: `${c.truePath} → ${c.predictedPath}` }));
  return (
    <ChartCard
      id="confusions"
      title="Top confusions of the active version"
      description="Gold items of one category (true) most often predicted as another."
      empty={
        !model
          ? "No active model version yet."
          : data.length === 0
            ? "No confusions on the gold test items."
            : undefined
      }
      csv={{
        filename: `${file}-top-confusions${model ? `-v${model.version}` : ""}`,
        rows: data,
        columns: [
          { header: "true_category", value: (r) => r.truePath },
          { header: "predicted_category", value: (r) => r.predictedPath },
          { header: "items", value: (r) => r.count },
        ],
      }}
    >
      <BarChart
        responsive
        layout="vertical"
        style={{ width: "100%", height: Math.max(160, data.length * 36 + 40) }}
        data={data}
        margin={{ top: 4, right: 16, bottom: 4, left: 8 }}
      >
        <CartesianGrid stroke={GRID_STROKE} horizontal={false} />
        <XAxis type="number" allowDecimals={false} tick={AXIS_TICK} tickLine={false} />
        <YAxis type="category" dataKey="pair" width={LABEL_WIDTH} tick={ConfusionTick} interval={0} tickLine={false} />
        <Tooltip {...TOOLTIP_STYLE} formatter={(v) => [String(v), "Gold items"]} />
        <Bar name="Gold items" dataKey="count" fill="var(--color-danger)" fillOpacity={0.7} isAnimationActive={false} />
      </BarChart>
    </ChartCard>
  );
}
