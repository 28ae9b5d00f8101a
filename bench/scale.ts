/**
 * `npm run bench:scale -- [--items 1000000] [--labels 50000] [--workers 2] [--db postgres|pglite]
 *                         [--epochs N] [--load-seconds 20] [--reps 30] [--explain-ms N] [--keep-db] [--json]`
 *
 * Issue 15: a whole project at size on a fresh database. Steps, each with seconds,
 * items/s, p50/p99 where they apply and the peak RSS of every process involved:
 *  1. the demo generator (chunked) streamed through the import service, --labels pool
 *     items with their category as import labels, 2% test items with gold;
 *  2. first training (requestTraining + runTraining) and the label-error cross-fit it queues;
 *  3. full rescoring through pg-boss score jobs claimed by separate `npm run worker`
 *     processes, with 1 worker and then with --workers (Postgres only);
 *  4. 50 annotators over HTTP against `npm start`'s server: queue.next + annotations.submit;
 *  5. batch.list first page and a filtered page (category + confidence range);
 *  6. dashboard.activity / trends / activeModel and projects.get (the overview counts);
 *  7. the label export as CSV and JSONL streamed over HTTP, with the web process's RSS;
 *  8. pg_database_size per million items.
 * PGlite (--db pglite): steps 1, 2 and an in-process rescore only (one process's database).
 * --explain-ms N: the web server's statements slower than N ms have their plans (EXPLAIN ANALYZE, by
 * auto_explain) written to the Postgres server log. The database is dropped at the end unless --keep-db.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir, loadavg } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { openDb, type DbHandle } from "@/db/client";
import { migrateDb } from "@/db/migrate";
import { refreshStatistics } from "@/db/statistics";
import { modelVersions } from "@/db/schema";
import { eq } from "drizzle-orm";
import { requestTraining, runTraining } from "@/server/services/training";
import { detectLabelErrors } from "@/server/services/label-errors";
import { scoreProjectInline } from "@/server/services/scoring";
import { clearLoadedModels } from "@/server/services/models";
import { openBenchDb } from "./lib/loop-db";
import { rssSampler } from "./lib/scale-proc";
import { maxOf, printTable, type ScaleReport } from "./lib/scale-report";
import { rescoreWithWorkers, startSender } from "./lib/scale-rescore";
import { seedScaleProject, type ScaleProject } from "./lib/scale-seed";
import { stepsHttp } from "./lib/scale-web";

const { values: a } = parseArgs({
  options: {
    items: { type: "string", default: "1000000" },
    labels: { type: "string", default: "50000" },
    workers: { type: "string", default: "2" },
    db: { type: "string", default: "postgres" },
    epochs: { type: "string" },
    "load-seconds": { type: "string", default: "20" },
    reps: { type: "string", default: "30" },
    annotators: { type: "string", default: "50" },
    "explain-ms": { type: "string" },
    "keep-db": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
});
const items = Number(a.items);
const labels = Math.min(Number(a.labels), items);
const workers = Math.max(1, Number(a.workers));
const epochs = a.epochs ? Number(a.epochs) : undefined;
const reps = Math.max(2, Number(a.reps));
const pg = a.db !== "pglite";
const started = performance.now();
const stamp = () => `[${((performance.now() - started) / 1000).toFixed(0)} s] `;
const log = (s: string) => (a.json ? process.stderr.write(stamp() + s + "\n") : console.log(stamp() + s));
const load = () =>
  `load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`;
const report: ScaleReport = { items, labels, db: pg ? "postgres" : "pglite", loadAtStart: loadavg() };

async function stepImport(h: DbHandle): Promise<ScaleProject> {
  log(`1. import ${items} generated items (${labels} labelled), ${load()}`);
  const s = rssSampler({});
  const p = await seedScaleProject(h.db, { items, labels, annotators: Number(a.annotators), log });
  const peak = s.stop();
  report.import = {
    seconds: p.importSeconds,
    itemsPerSecond: items / p.importSeconds,
    peakRssMb: maxOf(peak),
    processes: peak,
    counts: p.catalogue.counts,
    load: loadavg(),
  };
  return p;
}

async function stepTrain(h: DbHandle, p: ScaleProject): Promise<number> {
  log(`2. training on ${p.catalogue.counts.labelled} import labels + ${p.catalogue.counts.test} gold, ${load()}`);
  const s = rssSampler({});
  const t0 = performance.now();
  const run = await requestTraining(h.db, { projectId: p.projectId, trigger: "manual", actorId: p.admin.id });
  const out = await runTraining(h.db, run.versionId, { epochs });
  if (out.outcome !== "ready" || !out.activated) throw new Error(`training did not activate: ${JSON.stringify(out)}`);
  const trainSeconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const cf = await detectLabelErrors(h.db, { projectId: p.projectId, versionId: run.versionId }, { epochs });
  const crossFitSeconds = (performance.now() - t1) / 1000;
  const peak = s.stop();
  report.train = {
    seconds: trainSeconds + crossFitSeconds,
    trainSeconds,
    crossFitSeconds,
    itemsPerSecond: p.catalogue.counts.labelled / trainSeconds,
    peakRssMb: maxOf(peak),
    processes: peak,
    flagged: cf.flagged,
    load: loadavg(),
  };
  if (h.kind === "postgres") await refreshStatistics(h.db);
  return run.versionId;
}

async function stepRescore(h: DbHandle, url: string, p: ScaleProject, versionId: number) {
  const sender = await startSender(h);
  try {
    for (const [key, n] of [
      ["rescore1", 1],
      ["rescore2", workers],
    ] as const) {
      log(`3. rescoring ${items} items with ${n} worker process(es), ${load()}`);
      const r = await rescoreWithWorkers(h, url, { projectId: p.projectId, versionId, items, workers: n, log });
      report[key] = {
        seconds: r.seconds,
        itemsPerSecond: r.itemsPerSecond,
        peakRssMb: maxOf(r.peakRssMb),
        processes: r.peakRssMb,
        ranges: r.ranges,
        failedJobs: r.failedJobs,
        load: loadavg(),
      };
      log(`   ${r.seconds.toFixed(1)} s, ${Math.round(r.itemsPerSecond)} items/s, ${r.failedJobs} failed jobs`);
    }
  } finally {
    await sender.stop();
  }
}

async function stepRescoreInline(h: DbHandle, p: ScaleProject, versionId: number) {
  log(`3. rescoring ${items} items in process (PGlite), ${load()}`);
  const [v] = await h.db
    .select({ cal: modelVersions.currentCalibrationId })
    .from(modelVersions)
    .where(eq(modelVersions.id, versionId));
  const s = rssSampler({});
  const t0 = performance.now();
  await scoreProjectInline(h.db, { projectId: p.projectId, versionId, calibrationId: v?.cal ?? null });
  const seconds = (performance.now() - t0) / 1000;
  const peak = s.stop();
  report.rescore1 = { seconds, itemsPerSecond: items / seconds, peakRssMb: maxOf(peak), processes: peak };
}

/** auto_explain for sessions opened from now on (the web server's): plans of slow statements go to the server log. */
async function explainSlow(h: DbHandle, ms: number) {
  for (const setting of [
    "session_preload_libraries = 'auto_explain'",
    `auto_explain.log_min_duration = '${Math.max(0, Math.round(ms))}ms'`,
    "auto_explain.log_analyze = on",
  ])
    await h.executeSql(
      `do $$ begin execute format('alter database %I set ${setting.replaceAll("'", "''")}', current_database()); end $$`,
      [],
    );
  log(`auto_explain on for statements over ${ms} ms: plans go to the Postgres server log`);
}

async function main() {
  const t0 = performance.now();
  const bench = pg ? await openBenchDb("loupe_bench_scale", 10) : null;
  const dir = pg ? null : mkdtempSync(path.join(tmpdir(), "loupe-scale-pglite-"));
  const h = bench?.handle ?? (await openDb({ dataDir: dir! }));
  if (!bench) await migrateDb(h);
  log(`database: ${bench ? bench.url.replace(/\/\/[^@]*@/, "//") : `PGlite in ${dir}`}`);
  try {
    const p = await stepImport(h);
    const versionId = await stepTrain(h, p);
    if (bench) {
      await stepRescore(h, bench.url, p, versionId);
      if (a["explain-ms"]) await explainSlow(h, Number(a["explain-ms"]));
      await stepsHttp(h, bench.url, p, report, { reps, loadSeconds: Number(a["load-seconds"]), log });
    } else await stepRescoreInline(h, p, versionId);
    const size = await h.executeSql("select pg_database_size(current_database())::float8 as b", []);
    report.dbSizeMb = Number(size.rows[0]?.b) / 2 ** 20;
    report.dbSizeMbPerMillionItems = report.dbSizeMb / (items / 1e6);
  } finally {
    await clearLoadedModels();
    if (bench && !a["keep-db"]) await bench.drop();
    else if (bench) {
      log(`kept database ${bench.url}`);
      await h.close();
    } else {
      await h.close();
      if (!a["keep-db"]) rmSync(dir!, { recursive: true, force: true });
    }
  }
  const totalSeconds = (performance.now() - t0) / 1000;
  report.totalSeconds = totalSeconds;
  report.loadAtEnd = loadavg();
  printTable(items, report, log);
  log(`total ${totalSeconds.toFixed(0)} s, ${load()}`);
  if (a.json) console.log(JSON.stringify(report));
}

main()
  .then(() => process.exit(0))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
