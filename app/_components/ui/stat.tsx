import type { ReactNode } from "react";

const nf = new Intl.NumberFormat("en-US");

export function formatCount(n: number): string {
  return nf.format(n);
}

export function Stat({ label, value, hint }: { label: ReactNode; value: number | string | null; hint?: ReactNode }) {
  return (
    <div className="rounded-lg border border-line bg-surface px-4 py-3 shadow-xs">
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="mt-1 text-xl font-semibold tabular-nums tracking-tight">
        {value === null ? (
          <span className="text-faint">–</span>
        ) : typeof value === "number" ? (
          formatCount(value)
        ) : (
          value
        )}
      </dd>
      {hint ? <dd className="mt-0.5 text-xs text-muted">{hint}</dd> : null}
    </div>
  );
}
