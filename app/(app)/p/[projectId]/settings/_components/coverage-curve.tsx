"use client";
/**
 * Coverage against precision for the active version's current calibration,
 * with the chosen precision target drawn across it and the coverage that
 * target certifies marked, so a target is picked by looking at the trade.
 */
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceDot,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { pct, type CurvePoint } from "../../models/_lib/metrics";

/** `certified`: the coverage certification grants at `target` (from the same rule as the read-off), or null. */
export function CoverageCurve({
  curve,
  target,
  certified,
}: {
  curve: CurvePoint[];
  target: number;
  certified: number | null;
}) {
  const data = [...curve].sort((a, b) => a.coverage - b.coverage);
  // The curve point nearest the certified coverage, for the marker.
  const hit =
    certified === null || certified === 0
      ? null
      : data.reduce<CurvePoint | null>(
          (best, p) => (!best || Math.abs(p.coverage - certified) < Math.abs(best.coverage - certified) ? p : best),
          null,
        );
  const lowest = Math.min(...data.map((p) => p.lowerBound), Number.isFinite(target) ? target : 1);
  const yMin = Math.max(0, Math.floor(lowest * 20) / 20);
  return (
    <figure>
      <div
        className="h-64 w-full"
        role="img"
        aria-label={`Coverage against precision; at target ${pct(target)} the coverage is ${hit ? pct(hit.coverage) : "zero"}`}
      >
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 8, right: 12, bottom: 16, left: -4 }}>
            <CartesianGrid stroke="var(--color-line)" />
            <XAxis
              type="number"
              dataKey="coverage"
              domain={[0, 1]}
              tickFormatter={(v: number) => `${Math.round(v * 100)}%`}
              tick={{ fontSize: 11, fill: "var(--color-muted)" }}
              label={{
                value: "Coverage (share auto-accepted)",
                position: "insideBottom",
                offset: -10,
                fontSize: 11,
                fill: "var(--color-muted)",
              }}
            />
            <YAxis
              type="number"
              domain={[yMin, 1]}
              tickFormatter={(v: number) => `${(v * 100).toFixed(0)}%`}
              tick={{ fontSize: 11, fill: "var(--color-muted)" }}
              allowDataOverflow
            />
            <Tooltip
              formatter={(v, name) => [
                typeof v === "number" ? `${(v * 100).toFixed(1)}%` : "–",
                name === "lowerBound" ? "Certified (95% lower bound)" : "Precision",
              ]}
              labelFormatter={(v) => `Coverage ${typeof v === "number" ? (v * 100).toFixed(1) : String(v)}%`}
            />
            <Legend
              verticalAlign="top"
              height={24}
              wrapperStyle={{ fontSize: 12 }}
              formatter={(v) => (v === "lowerBound" ? "Certified precision (95% lower bound)" : "Measured precision")}
            />
            <Line
              type="stepAfter"
              dataKey="precision"
              stroke="var(--color-faint)"
              strokeWidth={1.5}
              dot={false}
              isAnimationActive={false}
            />
            <Line
              type="stepAfter"
              dataKey="lowerBound"
              stroke="var(--color-accent)"
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
            {Number.isFinite(target) ? (
              <ReferenceLine
                y={target}
                stroke="var(--color-danger)"
                strokeDasharray="4 3"
                label={{
                  value: `target ${pct(target)}`,
                  position: "insideBottomLeft",
                  fontSize: 11,
                  fill: "var(--color-danger)",
                }}
              />
            ) : null}
            {hit ? <ReferenceLine x={hit.coverage} stroke="var(--color-ok)" strokeDasharray="4 3" /> : null}
            {hit ? (
              <ReferenceDot
                x={hit.coverage}
                y={hit.lowerBound}
                r={5}
                fill="var(--color-ok)"
                stroke="var(--color-surface)"
              />
            ) : null}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
