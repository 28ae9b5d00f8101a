/**
 * `npm run bench:api -- [--annotators 50] [--seconds 30] [--max-decisions 50000] [--n 1]
 *                       [--think-ms 0] [--pool 20000] [--json]`
 *
 * Starts `next start` on a free loopback port against a fresh Postgres database
 * (LOUPE_MODE=production, generated SESSION_SECRET, LOUPE_WORKER=off), seeds the
 * demo catalogue through the import path with an active model (a quick real
 * training run, see lib/api-seed.ts), logs N annotators in over HTTP and has
 * them call queue.next + annotations.submit as fast as the server answers
 * (or with --think-ms between decisions), bounded in time and count.
 * Reports p50/p99 per procedure, decisions/s, errors and duplicate leases.
 */
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { login, type Session } from "./lib/api-client";
import { percentile, runLoad } from "./lib/api-load";
import { seedApiProject } from "./lib/api-seed";
import { snapshotBuild, startServer } from "./lib/api-server";
import { analyze, openBenchDb } from "./lib/loop-db";
import { loadRows } from "./lib/loop-setup";
import { categories, items } from "@/db/schema";
import { eq } from "drizzle-orm";
import { normaliseCategoryPath } from "@/server/import";

const { values: a } = parseArgs({
  options: {
    annotators: { type: "string", default: "50" },
    seconds: { type: "string", default: "30" },
    "max-decisions": { type: "string", default: "50000" },
    n: { type: "string", default: "1" },
    "think-ms": { type: "string", default: "0" },
    pool: { type: "string", default: "20000" },
    json: { type: "boolean", default: false },
  },
});
const annotators = Number(a.annotators);
const seconds = Math.min(Number(a.seconds), 600);
const maxDecisions = Number(a["max-decisions"]);
const n = Number(a.n);
const thinkMs = Number(a["think-ms"]);
const poolSize = Number(a.pool);
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
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
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

    server = await startServer(app.dir, bench.url, log);
    const tl = performance.now();
    const sessions = await loginAll(server.base, seed.emails, seed.password);
    log(`${sessions.length} annotators logged in over HTTP in ${((performance.now() - tl) / 1000).toFixed(1)} s; load for ${seconds} s (n=${n}, think ${thinkMs} ms)`);
    const s = await runLoad({ base: server.base, projectId: seed.projectId, sessions, truth, n, seconds, maxDecisions, thinkMs });

    // The database's view: a pool item decided by two people outside audits means two live leases existed.
    const dup = await bench.handle.executeSql(
      `select count(*)::int as n from (
         select item_id from annotations where project_id = $1 and action in ('accept','correct','reject') and reason is distinct from 'audit'
         group by item_id having count(distinct user_id) > 1) d`,
      [seed.projectId],
    );
    const [{ pool } = { pool: 0 }] = await db.select({ pool: sql<number>`count(*)::int` }).from(items).where(eq(items.projectId, seed.projectId));
    const all = [...s.nextMs, ...s.submitMs];
    const r = {
      annotators,
      seconds: s.seconds,
      n,
      thinkMs,
      items: pool,
      decisions: s.decisions,
      decisionsPerSecond: s.decisions / s.seconds,
      requests: all.length,
      next: { count: s.nextMs.length, p50: percentile(s.nextMs, 0.5), p99: percentile(s.nextMs, 0.99), max: percentile(s.nextMs, 1) },
      submit: { count: s.submitMs.length, p50: percentile(s.submitMs, 0.5), p99: percentile(s.submitMs, 0.99), max: percentile(s.submitMs, 1) },
      all: { p50: percentile(all, 0.5), p99: percentile(all, 0.99) },
      statuses: s.statuses,
      errors: s.errors,
      duplicateLeasesSeen: s.duplicateLeases,
      doubleDecisionsSeen: s.doubleDecisions,
      itemsDecidedByTwoOutsideAudits: Number(dup.rows[0]?.n ?? 0),
      seed: { how: "demo catalogue via the import path; 300 cold-start decisions in-process, then runTraining + scoreProjectInline", ...seed, password: undefined, emails: undefined },
      targetP99Ms: TARGET_P99_MS,
    };
    if (a.json) console.log(JSON.stringify(r));
    else {
      const f = (x: number | null) => (x === null ? "–" : `${x.toFixed(1)} ms`);
      console.log(`\n${annotators} annotators, ${s.seconds.toFixed(1)} s: ${s.decisions} decisions (${r.decisionsPerSecond.toFixed(1)}/s), ${all.length} requests`);
      console.log(`  queue.next          p50 ${f(r.next.p50)}  p99 ${f(r.next.p99)}  max ${f(r.next.max)}  (${r.next.count})`);
      console.log(`  annotations.submit  p50 ${f(r.submit.p50)}  p99 ${f(r.submit.p99)}  max ${f(r.submit.max)}  (${r.submit.count})`);
      console.log(`  all requests        p50 ${f(r.all.p50)}  p99 ${f(r.all.p99)}   target p99 < ${TARGET_P99_MS} ms: ${r.all.p99 !== null && r.all.p99 < TARGET_P99_MS ? "met" : "MISSED"}`);
      console.log(`  statuses ${JSON.stringify(s.statuses)}  errors ${JSON.stringify(s.errors)}`);
      console.log(`  duplicate leases seen: ${s.duplicateLeases}; items decided twice (client): ${s.doubleDecisions}; by two people outside audits (database): ${r.itemsDecidedByTwoOutsideAudits}`);
    }
  } finally {
    if (server) {
      const tail = server.stderr.join("").trim();
      if (tail) process.stderr.write(`[server stderr, last lines]\n${tail.split("\n").slice(-15).join("\n")}\n`);
      await server.stop();
    }
    await bench.drop();
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
