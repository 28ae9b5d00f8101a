/**
 * `npm run bench:api -- [--annotators 100] [--think-ms 3000] [--warmup-seconds 5] [--seconds 30]
 *                       [--max-decisions 50000] [--n 1] [--pool 20000] [--timeline]
 *                       [--samples FILE] [--keep-db] [--servers 1] [--json]`
 *
 * Starts `next start` on a free loopback port against a fresh Postgres database
 * (LOUPE_MODE=production, generated SESSION_SECRET, LOUPE_WORKER=off), seeds the
 * demo catalogue through the import path with an active model (a quick real
 * training run, see lib/api-seed.ts), logs N annotators in over HTTP and has
 * them call queue.next + annotations.submit, thinking --think-ms (×0.5–1.5,
 * uniform) before each decision; --think-ms 0 is a closed loop at saturation.
 * Starts are spread over one think time. The first --warmup-seconds are
 * reported separately from the measured window that follows.
 * --servers K starts K web servers on the same database and gives annotator i
 * server i % K, as a load balancer with sticky sessions would.
 * Reports p50/p99 per procedure and phase, decisions/s, errors and duplicate leases.
 */
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { login, type Session } from "./lib/api-client";
import { writeFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { phaseReport, runLoad, timeline, type PhaseReport } from "./lib/api-load";
import { seedApiProject } from "./lib/api-seed";
import { snapshotBuild, startServer } from "./lib/api-server";
import { analyze, openBenchDb } from "./lib/loop-db";
import { loadRows } from "./lib/loop-setup";
import { categories, items } from "@/db/schema";
import { eq } from "drizzle-orm";
import { normaliseCategoryPath } from "@/server/import";

const { values: a } = parseArgs({
  options: {
    annotators: { type: "string", default: "100" },
    seconds: { type: "string", default: "30" },
    "warmup-seconds": { type: "string", default: "5" },
    "max-decisions": { type: "string", default: "50000" },
    n: { type: "string", default: "1" },
    "think-ms": { type: "string", default: "3000" },
    pool: { type: "string", default: "20000" },
    timeline: { type: "boolean", default: false },
    samples: { type: "string" },
    "keep-db": { type: "boolean", default: false },
    servers: { type: "string", default: "1" },
    json: { type: "boolean", default: false },
  },
});
const annotators = Number(a.annotators);
const seconds = Math.min(Number(a.seconds), 600);
const warmupSeconds = Math.min(Number(a["warmup-seconds"]), 120);
const maxDecisions = Number(a["max-decisions"]);
const n = Number(a.n);
const thinkMs = Number(a["think-ms"]);
const poolSize = Number(a.pool);
const serverCount = Math.max(1, Math.min(8, Number(a.servers)));
const log = (s: string) => (a.json ? process.stderr.write(s + "\n") : console.log(s));
const TARGET_P99_MS = 50;

async function loginAll(base: string, emails: string[], password: string): Promise<Session[]> {
  const out: Session[] = new Array(emails.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < emails.length; i = next++) out[i] = await login(base, emails[i]!, password, `127.0.${Math.floor(i / 250)}.${(i % 250) + 1}`);
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return out;
}

async function main() {
  const app = await snapshotBuild(log);
  const bench = await openBenchDb("loupe_bench_api", 4);
  const servers: Awaited<ReturnType<typeof startServer>>[] = [];
  try {
    const db = bench.handle.db;
    log(`seeding: demo catalogue (${poolSize} pool), ${annotators} annotators, warm-up training...`);
    const seed = await seedApiProject(db, { annotators, poolSize, testSize: 2000, warmup: 300, analyze: () => analyze(bench.handle) });
    await analyze(bench.handle);
    log(`seeded in ${seed.seconds.toFixed(0)} s: ${seed.predictions} predictions, ${seed.autoAccepted} auto-accepted, ${seed.warmupDecisions} warm-up decisions`);
    // The oracle: item external id -> category id.
    const cats = await db.select({ id: categories.id, path: categories.path }).from(categories).where(eq(categories.projectId, seed.projectId));
    const idOf = new Map(cats.map((c) => [c.path, c.id]));
    const rows = loadRows("demo", { poolSize, testSize: 2000 });
    const truth = new Map(rows.map((r) => [r.id, idOf.get((normaliseCategoryPath(r.category) as { path: string }).path)!]));

    for (let i = 0; i < serverCount; i++) servers.push(await startServer(app.dir, bench.url, log));
    const tl = performance.now();
    const sessions = await loginAll(servers[0]!.base, seed.emails, seed.password);
    log(`${sessions.length} annotators logged in over HTTP in ${((performance.now() - tl) / 1000).toFixed(1)} s; warm-up ${warmupSeconds} s, then ${seconds} s measured (n=${n}, think ${thinkMs} ms)`);
    // The load generator's own event-loop delay: time it adds to every latency it measures.
    const clientLag = monitorEventLoopDelay({ resolution: 10 });
    clientLag.enable();
    const s = await runLoad({ base: servers.map((x) => x.base), projectId: seed.projectId, sessions, truth, n, warmupSeconds, seconds, maxDecisions, thinkMs });
    clientLag.disable();
    const lagMs = { p50: clientLag.percentile(50) / 1e6, p99: clientLag.percentile(99) / 1e6, max: clientLag.max / 1e6 };
    if (a.samples) writeFileSync(a.samples, JSON.stringify({ warmupSeconds, seconds, samples: s.samples }));

    // The database's view: a pool item decided by two people outside audits means two live leases existed.
    const dup = await bench.handle.executeSql(
      `select count(*)::int as n from (
         select item_id from annotations where project_id = $1 and action in ('accept','correct','reject') and reason is distinct from 'audit'
         group by item_id having count(distinct user_id) > 1) d`,
      [seed.projectId],
    );
    const [{ pool } = { pool: 0 }] = await db.select({ pool: sql<number>`count(*)::int` }).from(items).where(eq(items.projectId, seed.projectId));
    const warm = phaseReport(s, 0, warmupSeconds * 1000);
    const measured = phaseReport(s, warmupSeconds * 1000, (warmupSeconds + seconds) * 1000);
    const r = {
      annotators,
      servers: serverCount,
      n,
      thinkMs,
      items: pool,
      warmup: warm,
      measured,
      decisions: s.decisionsAt.length,
      statuses: s.statuses,
      errors: s.errors,
      duplicateLeasesSeen: s.duplicateLeases,
      doubleDecisionsSeen: s.doubleDecisions,
      itemsDecidedByTwoOutsideAudits: Number(dup.rows[0]?.n ?? 0),
      seed: { how: "demo catalogue via the import path; 300 cold-start decisions in-process, then runTraining + scoreProjectInline", ...seed, password: undefined, emails: undefined },
      clientEventLoopDelayMs: lagMs,
      targetP99Ms: TARGET_P99_MS,
    };
    if (a.json) console.log(JSON.stringify(r));
    else {
      const f = (x: number | null) => (x === null ? "–" : `${x.toFixed(1)} ms`);
      const phase = (name: string, p: PhaseReport) => {
        console.log(`${name}: ${p.seconds.toFixed(1)} s, ${p.decisions} decisions (${p.decisionsPerSecond.toFixed(1)}/s), ${p.all.count} requests`);
        console.log(`  queue.next          p50 ${f(p.next.p50)}  p99 ${f(p.next.p99)}  max ${f(p.next.max)}  (${p.next.count})`);
        console.log(`  annotations.submit  p50 ${f(p.submit.p50)}  p99 ${f(p.submit.p99)}  max ${f(p.submit.max)}  (${p.submit.count})`);
        console.log(`  all requests        p50 ${f(p.all.p50)}  p99 ${f(p.all.p99)}  max ${f(p.all.max)}`);
      };
      console.log(`\n${annotators} annotators, think ${thinkMs} ms (×0.5–1.5), n=${n}, starts spread over ${Math.max(1000, thinkMs)} ms, ${serverCount} web server${serverCount > 1 ? "s" : ""}`);
      phase("warm-up (reported, not in the goal)", warm);
      phase("measured", measured);
      console.log(`  target p99 < ${TARGET_P99_MS} ms (measured window, all requests): ${measured.all.p99 !== null && measured.all.p99 < TARGET_P99_MS ? "met" : "MISSED"}`);
      console.log(`  statuses ${JSON.stringify(s.statuses)}  errors ${JSON.stringify(s.errors)}`);
      console.log(`  bench client's event-loop delay (resolution 10 ms): p50 ${lagMs.p50.toFixed(1)} ms, p99 ${lagMs.p99.toFixed(1)} ms, max ${lagMs.max.toFixed(1)} ms`);
      console.log(`  duplicate leases seen: ${s.duplicateLeases}; items decided twice (client): ${s.doubleDecisions}; by two people outside audits (database): ${r.itemsDecidedByTwoOutsideAudits}`);
      if (a.timeline) {
        console.log("  per second (by request start): from  count  p50  p99  max");
        for (const b of timeline(s)) console.log(`    ${b.from.toFixed(0).padStart(4)} s  ${String(b.count).padStart(5)}  ${f(b.p50)}  ${f(b.p99)}  ${f(b.max)}`);
      }
    }
  } finally {
    for (const server of servers) {
      const tail = server.stderr.join("").trim();
      if (tail) process.stderr.write(`[server stderr, last lines]\n${tail.split("\n").slice(-15).join("\n")}\n`);
      await server.stop();
    }
    if (a["keep-db"]) {
      await bench.handle.close();
      log(`database kept: ${bench.url}`);
    } else await bench.drop();
    app.remove();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
