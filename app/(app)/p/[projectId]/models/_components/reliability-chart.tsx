"use client";
/**
 * Reliability diagram: per confidence bin, how often the model was right (bars)
 * against how sure it was (dots). Calibrated means the dots sit on the bar tops.
 */
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ReliabilityBin } from "../_lib/metrics";

export function ReliabilityChart({ bins }: { bins: ReliabilityBin[] }) {
  const data = bins.map((b) => ({
    bin: `${Math.round(b.lo * 100)}–${Math.round(b.hi * 100)}%`,
    accuracy: b.count ? b.accuracy : null,
    confidence: b.count ? b.confidence : null,
    count: b.count,
  }));
  const total = bins.reduce((s, b) => s + b.count, 0);
  return (
    <figure>
      <div className="h-64 w-full" role="img" aria-label={`Reliability diagram over ${total} gold items; table below`}>
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 4, left: -8 }}>
            <CartesianGrid stroke="var(--color-line)" vertical={false} />
            <XAxis dataKey="bin" tick={{ fontSize: 10, fill: "var(--color-muted)" }} interval={0} tickLine={false} />
            <YAxis
              domain={[0, 1]}
              tickFormatter={(v: number) => `${Math.round(v * 100)}%`}
              tick={{ fontSize: 11, fill: "var(--color-muted)" }}
              tickLine={false}
            />
            <Tooltip
              formatter={(v, name) => [
                typeof v === "number" ? `${(v * 100).toFixed(1)}%` : "–",
                name === "accuracy" ? "Accuracy" : "Mean confidence",
              ]}
              labelFormatter={(label, payload) =>
                `Confidence ${String(label)} · ${payload?.[0]?.payload?.count ?? 0} items`
              }
            />
            <Legend
              wrapperStyle={{ fontSize: 12 }}
              formatter={(v) => (v === "accuracy" ? "Accuracy" : "Mean confidence")}
            />
            <Bar dataKey="accuracy" fill="var(--color-accent)" fillOpacity={0.75} isAnimationActive={false} />
            <Line
              dataKey="confidence"
              stroke="var(--color-warn)"
              strokeWidth={0}
              dot={{ r: 4, fill: "var(--color-warn)" }}
              isAnimationActive={false}
              connectNulls={false}
            />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <details className="mt-2 text-xs text-muted">
        <summary className="cursor-pointer">Bins as a table</summary>
        <table className="mt-1 w-full tabular-nums">
          <thead>
            <tr className="text-left">
              <th className="font-medium">Confidence</th>
              <th className="text-right font-medium">Items</th>
              <th className="text-right font-medium">Accuracy</th>
              <th className="text-right font-medium">Mean confidence</th>
            </tr>
          </thead>
          <tbody>
            {data.map((d) => (
              <tr key={d.bin}>
                <td>{d.bin}</td>
                <td className="text-right">{d.count}</td>
                <td className="text-right">{d.accuracy === null ? "–" : `${(d.accuracy * 100).toFixed(1)}%`}</td>
                <td className="text-right">{d.confidence === null ? "–" : `${(d.confidence * 100).toFixed(1)}%`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
