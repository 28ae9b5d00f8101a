/** Figures of `npm run bench:ui`: latency percentiles of keypress → next item painted, and throughput. */

export type UiFigures = {
  decisions: number;
  measured: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  meanMs: number;
  decisionsPerMinute: number;
  elapsedSeconds: number;
  outboxDrainMs: number;
  pool: number;
  targetP95Ms: number;
  withinTarget: boolean;
};

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

const r1 = (x: number) => Math.round(x * 10) / 10;

export function summarise(
  durations: number[],
  o: { decisions: number; elapsedMs: number; outboxDrainMs: number; pool: number; targetP95Ms: number },
): UiFigures {
  const sorted = [...durations].sort((a, b) => a - b);
  const p95 = quantile(sorted, 0.95);
  return {
    decisions: o.decisions,
    measured: sorted.length,
    p50Ms: r1(quantile(sorted, 0.5)),
    p95Ms: r1(p95),
    maxMs: r1(sorted[sorted.length - 1] ?? NaN),
    meanMs: r1(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
    decisionsPerMinute: Math.round((o.decisions / o.elapsedMs) * 60_000),
    elapsedSeconds: r1(o.elapsedMs / 1000),
    outboxDrainMs: o.outboxDrainMs,
    pool: o.pool,
    targetP95Ms: o.targetP95Ms,
    withinTarget: p95 < o.targetP95Ms,
  };
}

export function printReport(f: UiFigures, json: boolean): void {
  console.log(`review page, ${f.decisions} keyboard decisions (${f.measured} measured), pool of ${f.pool} items`);
  console.log(
    `keypress → next item painted: p50 ${f.p50Ms} ms · p95 ${f.p95Ms} ms · mean ${f.meanMs} ms · max ${f.maxMs} ms (target p95 < ${f.targetP95Ms} ms: ${f.withinTarget ? "met" : "MISSED"})`,
  );
  console.log(
    `throughput: ${f.decisionsPerMinute} decisions/min over ${f.elapsedSeconds} s; outbox drained ${f.outboxDrainMs} ms after the last key`,
  );
  if (json) console.log(JSON.stringify(f));
}
