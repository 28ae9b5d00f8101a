/**
 * Steps 4-7 of the scale bench against one `npm start` server on the bench database:
 * annotators, batch grid, dashboard and overview, label export (see bench/scale.ts).
 */
import { loadavg } from "node:os";
import type { DbHandle } from "@/db/client";
import { refreshStatistics } from "@/db/statistics";
import { login } from "./api-client";
import { snapshotBuild, startServer } from "./api-server";
import { annotatorLoad, streamExport, timeQuery } from "./scale-http";
import { rssSampler } from "./scale-proc";
import { maxOf, type ScaleReport } from "./scale-report";
import { CATEGORY_PATHS, type ScaleProject } from "./scale-seed";

export async function stepsHttp(
  h: DbHandle,
  url: string,
  p: ScaleProject,
  report: ScaleReport,
  o: { reps: number; loadSeconds: number; log: (s: string) => void },
): Promise<void> {
  const { reps, log } = o;
  const load = () =>
    `load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`;
  const build = await snapshotBuild(log);
  const server = await startServer(build.dir, url, log);
  const pid = server.child.pid!;
  try {
    const ip = (i: number) => `127.1.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    const sessions = [];
    for (const [i, email] of p.emails.entries()) sessions.push(await login(server.base, email, p.password, ip(i)));
    log(`4. ${sessions.length} annotators, closed loop, ${o.loadSeconds} s measured, ${load()}`);
    const ann = await annotatorLoad({
      base: server.base,
      serverPid: pid,
      projectId: p.projectId,
      sessions,
      truth: p.truth,
      warmupSeconds: 5,
      seconds: o.loadSeconds,
    });
    const rss = { web: ann.serverPeakRssMb };
    report.next = {
      seconds: ann.seconds,
      ...ann.next,
      peakRssMb: ann.serverPeakRssMb,
      processes: rss,
      load: loadavg(),
    };
    report.submit = {
      seconds: ann.seconds,
      ...ann.submit,
      decisionsPerSecond: ann.decisionsPerSecond,
      errors: ann.errors,
      duplicateLeases: ann.duplicateLeases,
      peakRssMb: ann.serverPeakRssMb,
      processes: rss,
    };
    await refreshStatistics(h.db);

    const admin = await login(server.base, p.admin.email, p.password, "127.2.0.1");
    log(`5. batch grid, ${reps} calls each, ${load()}`);
    // The most common true category (Zipf rank 1) and a middle confidence band.
    const counts = new Uint32Array(CATEGORY_PATHS.length);
    for (const i of p.catalogue.truthIndex) counts[i]!++;
    const top = CATEGORY_PATHS[counts.indexOf(Math.max(...counts))]!;
    const s5 = rssSampler({ web: pid });
    const first = await timeQuery(server.base, "batch.list", { projectId: p.projectId }, admin, reps);
    const filtered = await timeQuery(
      server.base,
      "batch.list",
      { projectId: p.projectId, categoryId: p.categoryIds.get(top), minConfidence: 0.5, maxConfidence: 0.9 },
      admin,
      reps,
    );
    const peak5 = s5.stop();
    const rows = (x: unknown) => (x as { items?: unknown[] })?.items?.length ?? 0;
    report.batchPage = {
      p50Ms: Math.max(first.p50Ms, filtered.p50Ms),
      p99Ms: Math.max(first.p99Ms, filtered.p99Ms),
      firstPage: { p50Ms: first.p50Ms, p99Ms: first.p99Ms, maxMs: first.maxMs, rows: rows(first.sample) },
      filteredPage: {
        p50Ms: filtered.p50Ms,
        p99Ms: filtered.p99Ms,
        maxMs: filtered.maxMs,
        rows: rows(filtered.sample),
      },
      peakRssMb: maxOf(peak5),
      processes: peak5,
      load: loadavg(),
    };

    log(`6. dashboard charts and overview, ${reps} calls each, ${load()}`);
    const s6 = rssSampler({ web: pid });
    const charts: Record<string, { p50Ms: number; p99Ms: number; maxMs: number }> = {};
    for (const proc of ["dashboard.activity", "dashboard.trends", "dashboard.activeModel", "projects.get"]) {
      const r = await timeQuery(server.base, proc, { projectId: p.projectId }, admin, reps);
      charts[proc] = { p50Ms: r.p50Ms, p99Ms: r.p99Ms, maxMs: r.maxMs };
    }
    const peak6 = s6.stop();
    const all = Object.values(charts);
    report.dashboard = {
      p50Ms: Math.max(...all.map((c) => c.p50Ms)),
      p99Ms: Math.max(...all.map((c) => c.p99Ms)),
      charts,
      peakRssMb: maxOf(peak6),
      processes: peak6,
      load: loadavg(),
    };

    log(`7. label export, CSV then JSONL, ${load()}`);
    const csv = await streamExport(server.base, pid, p.projectId, admin, "csv");
    const jsonl = await streamExport(server.base, pid, p.projectId, admin, "jsonl");
    report.export = {
      seconds: csv.seconds + jsonl.seconds,
      itemsPerSecond: Math.min(csv.rowsPerSecond, jsonl.rowsPerSecond),
      peakRssMb: Math.max(csv.webPeakRssMb, jsonl.webPeakRssMb),
      processes: { web: Math.max(csv.webPeakRssMb, jsonl.webPeakRssMb) },
      csv,
      jsonl,
      load: loadavg(),
    };
  } finally {
    const tail = server.stderr.join("").trim();
    if (tail) process.stderr.write(`[server stderr, last lines]\n${tail.split("\n").slice(-10).join("\n")}\n`);
    await server.stop();
    build.remove();
  }
}
