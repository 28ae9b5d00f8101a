/**
 * The dashboard's date range lives in the URL (?range=7d|30d|all or ?from=&to= as
 * YYYY-MM-DD, UTC days, `to` inclusive), so a view can be shared and reloaded.
 */
export type RangePreset = "7d" | "30d" | "all";
export type DashboardRange = { kind: "preset"; preset: RangePreset } | { kind: "custom"; from: string; to: string };

export const DEFAULT_RANGE: DashboardRange = { kind: "preset", preset: "30d" };
export const PRESETS: { preset: RangePreset; label: string }[] = [
  { preset: "7d", label: "7 days" },
  { preset: "30d", label: "30 days" },
  { preset: "all", label: "All time" },
];

const DAY = 86_400_000;
const MAX_CUSTOM_DAYS = 3650;

type Search = Record<string, string | string[] | undefined> | URLSearchParams;

function first(sp: Search, key: string): string | undefined {
  if (sp instanceof URLSearchParams) return sp.get(key) ?? undefined;
  const v = sp[key];
  return Array.isArray(v) ? v[0] : v;
}

/** A real calendar day as YYYY-MM-DD, or null (rejects 2026-02-31 and friends). */
export function parseDay(s: string | undefined): Date | null {
  if (!s || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return null;
  const d = new Date(`${s}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s ? null : d;
}

export function parseRange(sp: Search): DashboardRange {
  const from = parseDay(first(sp, "from"));
  const to = parseDay(first(sp, "to"));
  if (from && to && from <= to && to.getTime() - from.getTime() <= MAX_CUSTOM_DAYS * DAY) {
    return { kind: "custom", from: dayKey(from), to: dayKey(to) };
  }
  const preset = first(sp, "range");
  return preset === "7d" || preset === "30d" || preset === "all" ? { kind: "preset", preset } : DEFAULT_RANGE;
}

export function rangeToQuery(r: DashboardRange): string {
  return r.kind === "custom" ? `?from=${r.from}&to=${r.to}` : `?range=${r.preset}`;
}

/**
 * The procedure input: presets end now and start N days back at UTC midnight (so the
 * first bar is a whole day); "all" leaves `from` open; custom ranges include their last day.
 */
export function rangeToInput(r: DashboardRange, now = new Date()): { from?: Date; to?: Date } {
  if (r.kind === "custom") {
    const from = parseDay(r.from);
    const to = parseDay(r.to);
    // A custom range is built from parsed days, so both parse; if not, it is the whole history.
    return from && to ? { from, to: new Date(to.getTime() + DAY) } : {};
  }
  if (r.preset === "all") return {};
  const days = r.preset === "7d" ? 7 : 30;
  const todayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return { from: new Date(todayStart - (days - 1) * DAY), to: now };
}

export function dayKey(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** For file names and headings: "last 7 days", "2026-03-01 to 2026-03-31". */
export function rangeLabel(r: DashboardRange): string {
  if (r.kind === "custom") return `${r.from} to ${r.to}`;
  return r.preset === "all" ? "all time" : `last ${r.preset === "7d" ? 7 : 30} days`;
}

export function rangeSlug(r: DashboardRange): string {
  return r.kind === "custom" ? `${r.from}_${r.to}` : r.preset;
}
