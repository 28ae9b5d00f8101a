/** Number formats shared by the dashboard's stats, tooltips and axes (UTC dates, like the server's buckets). */
const DATE = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
const DATE_TIME = new Intl.DateTimeFormat("en-US", {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
  // Not hour12: false, which Node's ICU renders as "24:00" at midnight and browsers as "00:00" (a hydration mismatch).
  hourCycle: "h23",
});
const NUM = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });
const MONEY = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function pct(v: number | null | undefined, digits = 1): string {
  return v == null || !Number.isFinite(v) ? "–" : `${(v * 100).toFixed(digits)}%`;
}

export function seconds(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return "–";
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60_000).toFixed(1)} min`;
}

export function num(v: number | null | undefined): string {
  return v == null || !Number.isFinite(v) ? "–" : NUM.format(v);
}

export function money(v: number | null | undefined): string {
  return v == null || !Number.isFinite(v) ? "–" : MONEY.format(v);
}

/** Money with two significant digits below a cent, where two decimals would read 0.00. */
export function unitCost(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return "–";
  return v !== 0 && Math.abs(v) < 0.01 ? String(Number(v.toPrecision(2))) : MONEY.format(v);
}

/**
 * A percentage axis around the plotted values (5-point steps, 2 points of margin) instead of 0–100%,
 * where 91% and 93% would be one flat line.
 */
export function percentDomain(values: readonly (number | null)[]): [number, number] {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0) return [0, 1];
  const lo = Math.max(0, Math.floor((Math.min(...xs) - 0.02) * 20) / 20);
  const hi = Math.min(1, Math.ceil((Math.max(...xs) + 0.02) * 20) / 20);
  return [lo, Math.max(hi, lo + 0.05)];
}

export function hours(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return "–";
  if (v >= 1) return `${NUM.format(v)} h`;
  const minutes = v * 60;
  return `${minutes === 0 || minutes >= 10 ? Math.round(minutes) : minutes.toFixed(1)} min`;
}

/** A bucket key 'YYYY-MM-DD' as "Mar 2". */
export function bucketLabel(key: string): string {
  const d = new Date(`${key}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? key : DATE.format(d);
}

export function dateTime(d: Date | string): string {
  return `${DATE_TIME.format(new Date(d))} UTC`;
}
