/** Number formats shared by the dashboard's stats, tooltips and axes (UTC dates, like the server's buckets). */
const DATE = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
const DATE_TIME = new Intl.DateTimeFormat("en-US", {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  timeZone: "UTC",
  hour12: false,
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
