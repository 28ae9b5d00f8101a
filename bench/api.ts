/**
 * `npm run bench:api -- [--annotators 100] [--think-ms 3000] [--warmup-seconds 5] [--seconds 30]
 *                       [--max-decisions 50000] [--n 1] [--pool 20000] [--timeline]
 *                       [--samples FILE] [--keep-db] [--servers 1] [--compare] [--rounds 1] [--json]`
 * `npm run bench:api -- --rest [...]`: the REST API's bulk upsert and label pull, see bench/api-rest.ts.
 *
 * Starts `npm start`'s web server (scripts/serve.ts) on a free loopback port against a fresh Postgres database
 * (LOUPE_MODE=production, generated SESSION_SECRET, LOUPE_WORKER=off), seeds the
 * demo catalogue through the import path with an active model (a quick real
 * training run, see lib/api-seed.ts), logs N annotators in over HTTP and has
 * them call queue.next + annotations.submit, thinking --think-ms (×0.5–1.5,
 * uniform) before each decision; --think-ms 0 is a closed loop at saturation.
 * Starts are spread over one think time. The first --warmup-seconds are
 * reported separately from the measured window that follows.
 * --servers K starts K web servers on the same database and gives annotator i
 * server i % K, as a load balancer with sticky sessions would.
 * --compare then measures plain `next start` (tRPC through Next's route
 * handler) on the same database right after, --rounds times alternately, and
 * prints both side by side with their ratio.
 * Reports p50/p99 per procedure and phase, decisions/s, errors and duplicate leases.
 */
import { parseArgs } from "node:util";
import { runRestBench } from "./api-rest";
import { sql } from "drizzle-orm";
import { login, type Session } from "./lib/api-client";
import { writeFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { phaseReport, runLoad, timeline, type LoadStats, type PhaseReport } from "./lib/api-load";
import { seedApiProject } from "./lib/api-seed";
import { snapshotBuild, startServer, type RunningServer, type ServerKind } from "./lib/api-server";
import { analyze, openBenchDb } from "./lib/loop-db";
import { loadRows } from "./lib/loop-setup";
import { categories, items } from "@/db/schema";
import { eq } from "drizzle-orm";
import { normaliseCategoryPath } from "@/server/services/imports";

// --rest: the REST API's bulk upsert and label pull instead (bench/api-rest.ts, its own options).
const REST = process.argv.includes("--rest");
const { values: a } = parseArgs({
  args: REST ? [] : process.argv.slice(2),
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
    compare: { type: "boolean", default: false },
    rounds: { type: "string", default: "1" },
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
const rounds = Math.max(1, Math.min(10, Number(a.rounds)));
const log = (s: string) => (a.json ? process.stderr.write(s + "\n") : console.log(s));
const TARGET_P99_MS = 50;

async function loginAll(base: string, emails: string[], password: string): Promise<Session[]> {
  const out: Session[] = new Array(emails.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < emails.length; i = next++)
      out[i] = await login(base, emails[i]!, password, `127.0.${Math.floor(i / 250)}.${(i % 250) + 1}`);
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return out;
}

type Measured = {
  kind: ServerKind;
  stats: LoadStats;
  lagMs: { p50: number; p99: number; max: number };
  warm: PhaseReport;
  measured: PhaseReport;
};

/** One load against `serverCount` fresh servers of one kind; the servers stop before it returns. */
async function measureWith(
  kind: ServerKind,
  ctx: {
    appDir: string;
    url: string;
    projectId: number;
    emails: string[];
    password: string;
    truth: Map<string, number>;
  },
): Promise<Measured> {
  const servers: RunningServer[] = [];
  try {
    for (let i = 0; i < serverCount; i++) servers.push(await startServer(ctx.appDir, ctx.url, log, { kind }));
    const tl = performance.now();
    const sessions = await loginAll(servers[0]!.base, ctx.emails, ctx.password);
    log(
      `${kind}: ${sessions.length} annotators logged in over HTTP in ${((performance.now() - tl) / 1000).toFixed(1)} s; warm-up ${warmupSeconds} s, then ${seconds} s measured (n=${n}, think ${thinkMs} ms)`,
    );
    // The load generator's own event-loop delay: time it adds to every latency it measures.
    const clientLag = monitorEventLoopDelay({ resolution: 10 });
    clientLag.enable();
    const stats = await runLoad({
      base: servers.map((x) => x.base),
      projectId: ctx.projectId,
      sessions,
      truth: ctx.truth,
      n,
      warmupSeconds,
      seconds,
      maxDecisions,
      thinkMs,
    });
    clientLag.disable();
    const lagMs = {
      p50: clientLag.percentile(50) / 1e6,
      p99: clientLag.percentile(99) / 1e6,
      max: clientLag.max / 1e6,
    };
    return {
      kind,
      stats,
      lagMs,
      warm: phaseReport(stats, 0, warmupSeconds * 1000),
      measured: phaseReport(stats, warmupSeconds * 1000, (warmupSeconds + seconds) * 1000),
    };
  } finally {
    for (const server of servers) {
      const tail = server.stderr.join("").trim();
      if (tail)
        process.stderr.write(`[${kind} server stderr, last lines]\n${tail.split("\n").slice(-15).join("\n")}\n`);
      await server.stop();
    }
  }
}

const fmt = (x: number | null) => (x === null ? "–" : `${x.toFixed(1)} ms`);

function printRun(m: Measured, itemsDecidedByTwo: number): void {
  const { stats: s, lagMs, warm, measured } = m;
  const phase = (name: string, p: PhaseReport) => {
    console.log(
      `${name}: ${p.seconds.toFixed(1)} s, ${p.decisions} decisions (${p.decisionsPerSecond.toFixed(1)}/s), ${p.all.count} requests`,
    );
    console.log(
      `  queue.next          p50 ${fmt(p.next.p50)}  p99 ${fmt(p.next.p99)}  max ${fmt(p.next.max)}  (${p.next.count})`,
    );
    console.log(
      `  annotations.submit  p50 ${fmt(p.submit.p50)}  p99 ${fmt(p.submit.p99)}  max ${fmt(p.submit.max)}  (${p.submit.count})`,
    );
    console.log(`  all requests        p50 ${fmt(p.all.p50)}  p99 ${fmt(p.all.p99)}  max ${fmt(p.all.max)}`);
  };
  const server = m.kind === "loupe" ? "npm start's server (scripts/serve.ts)" : "plain next start";
  console.log(
    `\n${server}: ${annotators} annotators, think ${thinkMs} ms (×0.5–1.5), n=${n}, starts spread over ${Math.max(1000, thinkMs)} ms, ${serverCount} web server${serverCount > 1 ? "s" : ""}`,
  );
  phase("warm-up (reported, not in the goal)", warm);
  phase("measured", measured);
  console.log(
    `  target p99 < ${TARGET_P99_MS} ms (measured window, all requests): ${measured.all.p99 !== null && measured.all.p99 < TARGET_P99_MS ? "met" : "MISSED"}`,
  );
  console.log(`  statuses ${JSON.stringify(s.statuses)}  errors ${JSON.stringify(s.errors)}`);
  console.log(
    `  bench client's event-loop delay (resolution 10 ms): p50 ${lagMs.p50.toFixed(1)} ms, p99 ${lagMs.p99.toFixed(1)} ms, max ${lagMs.max.toFixed(1)} ms`,
  );
  console.log(
    `  duplicate leases seen: ${s.duplicateLeases}; items decided twice (client): ${s.doubleDecisions}; by two people outside audits (database, so far): ${itemsDecidedByTwo}`,
  );
  if (a.timeline) {
    console.log("  per second (by request start): from  count  p50  p99  max");
    for (const b of timeline(s))
      console.log(
        `    ${b.from.toFixed(0).padStart(4)} s  ${String(b.count).padStart(5)}  ${fmt(b.p50)}  ${fmt(b.p99)}  ${fmt(b.max)}`,
      );
  }
}

const median = (xs: number[]) => {
  const v = [...xs].sort((x, y) => x - y);
  return v.length === 0 ? NaN : v.length % 2 ? v[(v.length - 1) / 2]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2;
};

/** Per kind: the median over its rounds of each run's p50 and p99 (measured window, all requests). */
function comparison(runs: Measured[]) {
  const of = (kind: ServerKind) => {
    const mine = runs.filter((r) => r.kind === kind).map((r) => r.measured.all);
    return {
      runs: mine.length,
      p50: median(mine.map((x) => x.p50 ?? NaN)),
      p99: median(mine.map((x) => x.p99 ?? NaN)),
    };
  };
  const loupe = of("loupe");
  const next = of("next");
  return { loupe, next, ratio: { p50: next.p50 / loupe.p50, p99: next.p99 / loupe.p99 } };
}

async function main() {
  const app = await snapshotBuild(log);
  const bench = await openBenchDb("loupe_bench_api", 4);
  try {
    const db = bench.handle.db;
    log(`seeding: demo catalogue (${poolSize} pool), ${annotators} annotators, warm-up training...`);
    const seed = await seedApiProject(db, {
      annotators,
      poolSize,
      testSize: 2000,
      warmup: 300,
      analyze: () => analyze(bench.handle),
    });
    await analyze(bench.handle);
    log(
      `seeded in ${seed.seconds.toFixed(0)} s: ${seed.predictions} predictions, ${seed.autoAccepted} auto-accepted, ${seed.warmupDecisions} warm-up decisions`,
    );
    // The oracle: item external id -> category id.
    const cats = await db
      .select({ id: categories.id, path: categories.path })
      .from(categories)
      .where(eq(categories.projectId, seed.projectId));
    const idOf = new Map(cats.map((c) => [c.path, c.id]));
    const rows = loadRows("demo", { poolSize, testSize: 2000 });
    const truth = new Map(
      rows.map((r) => [r.id, idOf.get((normaliseCategoryPath(r.category) as { path: string }).path)!]),
    );
    const ctx = {
      appDir: app.dir,
      url: bench.url,
      projectId: seed.projectId,
      emails: seed.emails,
      password: seed.password,
      truth,
    };

    // The database's view: a pool item decided by two people outside audits and second opinions means two live leases existed.
    const decidedByTwo = async () => {
      const dup = await bench.handle.executeSql(
        `select count(*)::int as n from (
           select item_id from annotations where project_id = $1 and action in ('accept','correct','reject') and coalesce(reason::text, '') not in ('audit', 'overlap')
           group by item_id having count(distinct user_id) > 1) d`,
        [seed.projectId],
      );
      return Number(dup.rows[0]?.n ?? 0);
    };
    const kinds: ServerKind[] = a.compare
      ? Array.from({ length: rounds }, () => ["loupe", "next"] as ServerKind[]).flat()
      : ["loupe"];
    const runs: Measured[] = [];
    for (const kind of kinds) {
      const m = await measureWith(kind, ctx);
      runs.push(m);
      if (!a.json) printRun(m, await decidedByTwo());
      // Between two loads, as autovacuum would: the tables changed by ~1,000 decisions.
      if (kinds.length > 1) await analyze(bench.handle);
    }
    if (a.samples)
      writeFileSync(
        a.samples,
        JSON.stringify({
          warmupSeconds,
          seconds,
          startedAtMs: runs[0]!.stats.startedAtMs,
          samples: runs[0]!.stats.samples,
        }),
      );

    const [{ pool } = { pool: 0 }] = await db
      .select({ pool: sql<number>`count(*)::int` })
      .from(items)
      .where(eq(items.projectId, seed.projectId));
    const first = runs[0]!;
    const cmp = a.compare ? comparison(runs) : null;
    const r = {
      annotators,
      servers: serverCount,
      n,
      thinkMs,
      items: pool,
      warmup: first.warm,
      measured: first.measured,
      decisions: first.stats.decisionsAt.length,
      statuses: first.stats.statuses,
      errors: first.stats.errors,
      duplicateLeasesSeen: runs.reduce((t, x) => t + x.stats.duplicateLeases, 0),
      doubleDecisionsSeen: runs.reduce((t, x) => t + x.stats.doubleDecisions, 0),
      itemsDecidedByTwoOutsideAudits: await decidedByTwo(),
      seed: {
        how: "demo catalogue via the import path; 300 cold-start decisions in-process, then runTraining + scoreProjectInline",
        ...seed,
        password: undefined,
        emails: undefined,
      },
      clientEventLoopDelayMs: first.lagMs,
      targetP99Ms: TARGET_P99_MS,
      ...(cmp
        ? {
            compare: {
              ...cmp,
              runs: runs.map((x) => ({
                kind: x.kind,
                p50: x.measured.all.p50,
                p99: x.measured.all.p99,
                decisions: x.measured.decisions,
              })),
            },
          }
        : {}),
    };
    if (a.json) console.log(JSON.stringify(r));
    else if (cmp) {
      console.log(
        `\nside by side (measured windows, all requests; median over ${rounds} round${rounds > 1 ? "s" : ""}, alternating):`,
      );
      for (const x of runs)
        console.log(`  ${x.kind.padEnd(6)} p50 ${fmt(x.measured.all.p50)}  p99 ${fmt(x.measured.all.p99)}`);
      console.log(
        `  npm start's server: p50 ${fmt(cmp.loupe.p50)}, p99 ${fmt(cmp.loupe.p99)}; next start: p50 ${fmt(cmp.next.p50)}, p99 ${fmt(cmp.next.p99)}`,
      );
      console.log(
        `  next start / npm start's server: p50 ×${cmp.ratio.p50.toFixed(2)}, p99 ×${cmp.ratio.p99.toFixed(2)}`,
      );
    }
  } finally {
    if (a["keep-db"]) {
      await bench.handle.close();
      log(`database kept: ${bench.url}`);
    } else await bench.drop();
    app.remove();
  }
}

(REST ? runRestBench(process.argv.slice(2)) : main()).then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
