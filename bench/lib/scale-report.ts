/** The scale bench's table: one line per step, with issue 15's target beside each figure. */

export type StepFigures = {
  seconds?: number;
  itemsPerSecond?: number;
  p50Ms?: number;
  p99Ms?: number;
  /** The largest peak among the processes of the step. */
  peakRssMb?: number;
  /** Peak RSS per process (bench, web, worker-N). */
  processes?: Record<string, number>;
  [extra: string]: unknown;
};

export type ScaleReport = Partial<
  Record<
    "import" | "train" | "rescore1" | "rescore2" | "next" | "submit" | "batchPage" | "dashboard" | "export",
    StepFigures
  >
> & { dbSizeMb?: number; [extra: string]: unknown };

const r1 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(1));
const r0 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? "–" : Math.round(x).toString());

/** A target scaled to the run's size where it is stated for 1M items (import, rescoring). */
function targets(items: number, r: ScaleReport): Record<string, [string, boolean | null]> {
  const per1M = items / 1_000_000;
  const ok = (x: number | undefined, pass: (v: number) => boolean) =>
    x === undefined || !Number.isFinite(x) ? null : pass(x);
  const speedup = r.rescore1?.seconds && r.rescore2?.seconds ? r.rescore1.seconds / r.rescore2.seconds : undefined;
  return {
    import: [`< ${r0(120 * per1M)} s (120 s per 1M)`, ok(r.import?.seconds, (v) => v < 120 * per1M)],
    train: ["(none)", null],
    rescore1: ["(baseline for the speedup)", null],
    rescore2: [
      `< ${r0(90 * per1M)} s (90 s per 1M), ≥ 1.6× rescore1 (${speedup ? speedup.toFixed(2) : "–"}×)`,
      ok(r.rescore2?.seconds, (v) => v < 90 * per1M && (speedup ?? 0) >= 1.6),
    ],
    next: ["p99 < 50 ms", ok(r.next?.p99Ms, (v) => v < 50)],
    submit: ["p99 < 50 ms", ok(r.submit?.p99Ms, (v) => v < 50)],
    batchPage: ["p99 < 200 ms", ok(r.batchPage?.p99Ms, (v) => v < 200)],
    dashboard: ["each chart p99 < 1000 ms", ok(r.dashboard?.p99Ms, (v) => v < 1000)],
    export: [
      "≥ 50k rows/s, web RSS < 400 MB",
      ok(r.export?.itemsPerSecond, (v) => v >= 50_000 && (r.export?.peakRssMb ?? Infinity) < 400),
    ],
  };
}

export function printTable(items: number, r: ScaleReport, print: (s: string) => void): void {
  const t = targets(items, r);
  const head = ["step", "seconds", "items/s", "p50 ms", "p99 ms", "peak RSS MB", "target", "met"];
  const rows = Object.entries(t).map(([step, [target, met]]) => {
    const f = r[step as keyof ScaleReport] as StepFigures | undefined;
    return [
      step,
      r1(f?.seconds),
      r0(f?.itemsPerSecond),
      r1(f?.p50Ms),
      r1(f?.p99Ms),
      f?.processes
        ? Object.entries(f.processes)
            .map(([k, v]) => `${k} ${r0(v)}`)
            .join(", ")
        : r0(f?.peakRssMb),
      target,
      met === null ? (f ? "" : "not run") : met ? "yes" : "NO",
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  print(line(head));
  print(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) print(line(row));
  if (r.dbSizeMb !== undefined)
    print(`database size: ${r0(r.dbSizeMb)} MB = ${r0(r.dbSizeMb / (items / 1_000_000))} MB per million items`);
}

/** Largest value of a per-process peak map. */
export const maxOf = (m: Record<string, number>): number => Math.max(0, ...Object.values(m).filter(Number.isFinite));
