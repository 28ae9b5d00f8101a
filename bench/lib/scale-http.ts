/**
 * The scale bench's HTTP steps against one `npm start` server: 50 annotators
 * (queue.next + annotations.submit, closed loop), the batch grid, the dashboard
 * charts and overview, and the streamed label export (CSV, JSONL) with the web
 * process's RSS sampled while it streams.
 */
import { query, type Session } from "./api-client";
import { percentile, phaseReport, runLoad } from "./api-load";
import { rssSampler } from "./scale-proc";

export type Latency = { count: number; p50Ms: number; p99Ms: number; maxMs: number };

function latency(ms: number[]): Latency {
  return {
    count: ms.length,
    p50Ms: percentile(ms, 0.5) ?? NaN,
    p99Ms: percentile(ms, 0.99) ?? NaN,
    maxMs: percentile(ms, 1) ?? NaN,
  };
}

/** `reps` sequential calls of one query (the first one, cold, included). */
export async function timeQuery(
  base: string,
  proc: string,
  input: unknown,
  s: Session,
  reps: number,
): Promise<Latency & { sample: unknown }> {
  const ms: number[] = [];
  let sample: unknown = null;
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    sample = await query(base, proc, input, s);
    ms.push(performance.now() - t);
  }
  return { ...latency(ms), sample };
}

export type AnnotatorResult = {
  seconds: number;
  decisions: number;
  decisionsPerSecond: number;
  next: Latency;
  submit: Latency;
  errors: Record<string, number>;
  duplicateLeases: number;
  serverPeakRssMb: number;
};

export async function annotatorLoad(o: {
  base: string;
  serverPid: number;
  projectId: number;
  sessions: Session[];
  truth: Map<string, number>;
  warmupSeconds: number;
  seconds: number;
}): Promise<AnnotatorResult> {
  const sampler = rssSampler({ web: o.serverPid });
  const stats = await runLoad({
    base: o.base,
    projectId: o.projectId,
    sessions: o.sessions,
    truth: o.truth,
    n: 1,
    warmupSeconds: o.warmupSeconds,
    seconds: o.seconds,
    maxDecisions: 1_000_000,
    thinkMs: 0,
  });
  const peak = sampler.stop();
  const from = o.warmupSeconds * 1000;
  const measured = phaseReport(stats, from, (o.warmupSeconds + o.seconds) * 1000);
  const window = stats.samples.filter((x) => x.at >= from);
  return {
    seconds: measured.seconds,
    decisions: measured.decisions,
    decisionsPerSecond: measured.decisionsPerSecond,
    next: latency(window.filter((x) => x.proc === "next").map((x) => x.ms)),
    submit: latency(window.filter((x) => x.proc === "submit").map((x) => x.ms)),
    errors: stats.errors,
    duplicateLeases: stats.duplicateLeases,
    serverPeakRssMb: peak.web ?? NaN,
  };
}

export type ExportResult = {
  format: "csv" | "jsonl";
  rows: number;
  bytes: number;
  seconds: number;
  rowsPerSecond: number;
  /** First byte after the request was sent. */
  firstByteMs: number;
  webRssBeforeMb: number;
  webPeakRssMb: number;
};

/** POST /api/projects/{id}/export with the session cookie and the server's own Origin, read as a stream. */
export async function streamExport(
  base: string,
  serverPid: number,
  projectId: number,
  s: Session,
  format: "csv" | "jsonl",
): Promise<ExportResult> {
  const sampler = rssSampler({ web: serverPid }, 100);
  const before = sampler.stop().web ?? NaN;
  const during = rssSampler({ web: serverPid }, 100);
  const t0 = performance.now();
  const res = await fetch(`${base}/api/projects/${projectId}/export?format=${format}`, {
    method: "POST",
    headers: { cookie: s.cookie, origin: base, "x-forwarded-for": s.clientIp },
  });
  if (!res.ok || !res.body) throw new Error(`export ${format}: HTTP ${res.status} ${await res.text()}`);
  let firstByteMs = NaN;
  let bytes = 0;
  let newlines = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (Number.isNaN(firstByteMs)) firstByteMs = performance.now() - t0;
    bytes += value.byteLength;
    for (let i = 0; i < value.length; i++) if (value[i] === 10) newlines++;
  }
  const seconds = (performance.now() - t0) / 1000;
  const peak = during.stop().web ?? NaN;
  // CSV: one header line (quoted fields may hold newlines; the generator's titles do not).
  const rows = format === "csv" ? Math.max(0, newlines - 1) : newlines;
  return {
    format,
    rows,
    bytes,
    seconds,
    rowsPerSecond: rows / seconds,
    firstByteMs,
    webRssBeforeMb: before,
    webPeakRssMb: peak,
  };
}
