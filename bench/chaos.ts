/**
 * `npm run bench:chaos -- [--kills 50] [--annotators 20] [--pool 5000] [--db postgres|pglite] [--json]`
 *
 * The web process killed under load. Seeds a project on a fresh Postgres database (demo
 * catalogue, an active model), starts `npm start`'s web server, and has --annotators
 * simulated people call queue.next + annotations.submit over HTTP with no think time.
 * --kills times, at a random moment 0.5–3 s apart, the server's process group gets
 * SIGKILL and a new server is started on the same database; a person whose request fails
 * retries the same submit (same idempotency key) once the server is back, as the review
 * page does. Recovery is the time from the kill until a queue.next answers again.
 *
 * Afterwards, from the database: every submit that was acknowledged (HTTP 200) is stored
 * exactly once (lost, duplicated), no item has two live leases, and no pool item was
 * decided by two people outside audits and second opinions. `--json` prints one object
 * on the last line with kills, acknowledged, lost, duplicated, partialActivations,
 * recoveryP50Ms, recoveryP99Ms and the same under `web`.
 *
 * `--db pglite` is the demo case: `npm start` with no DATABASE_URL (embedded PGlite in a
 * data folder, the jobs inside the web process), killed and started again on the same
 * folder; the demo's three reviewing accounts decide, and the folder is opened afterwards
 * to count what survived.
 *
 * Not yet measured here: kills of the worker process during training, scoring and
 * activation (partialActivations is 0 because no activation ran under a kill).
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { openDb } from "@/db/client";
import { call, login, query, TrpcError, type Session } from "./lib/api-client";
import { percentile } from "./lib/api-load";
import { seedApiProject } from "./lib/api-seed";
import { freePort, LOOPBACK_PROXY, snapshotBuild, startServer, type RunningServer } from "./lib/api-server";
import { analyze, openBenchDb } from "./lib/loop-db";

const { values: a } = parseArgs({
  options: {
    kills: { type: "string", default: "50" },
    annotators: { type: "string", default: "20" },
    pool: { type: "string", default: "5000" },
    db: { type: "string", default: "postgres" },
    json: { type: "boolean", default: false },
  },
});
const kills = Math.max(1, Number(a.kills));
const annotatorCount = Math.max(1, Number(a.annotators));
const poolSize = Math.max(500, Number(a.pool));
const log = (s: string) => (a.json ? process.stderr.write(s + "\n") : console.log(s));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type NextItem = { item: { id: number; externalId: string }; lease: { token: string } };
type NextResult = { status: string; items: NextItem[] };
type Acked = { key: string; itemId: number };

/** Fails for a dead server (connection refused or reset) as for a refusal: the caller retries either. */
function isDown(e: unknown): boolean {
  return !(e instanceof TrpcError) || e.status >= 500;
}

/** What the kill loop needs of a deployment: start a server, the people, and the stored decisions. */
type Target = {
  start: () => Promise<RunningServer>;
  projectId: number;
  people: (base: string) => Promise<Session[]>;
  /** idempotency key → rows, and the two integrity counts, read after the last server stopped. */
  stored: () => Promise<{ count: Map<string, number>; twoLeases: number; decidedByTwo: number }>;
  close: () => Promise<void>;
};

const TWO_LEASES = `select count(*)::int as n from (select item_id from leases group by item_id having count(*) > 1) x`;
const DECIDED_BY_TWO = `select count(*)::int as n from (
   select a.item_id from annotations a join items i on i.id = a.item_id
   where a.project_id = $1 and i.split = 'pool' and a.reason not in ('audit', 'overlap', 'evaluation', 'suspect')
     and a.action <> 'undo' and a.undoes_annotation_id is null
   group by a.item_id having count(distinct a.user_id) > 1) x`;
const KEYS = `select idempotency_key as key, count(*)::int as n from annotations where project_id = $1 group by idempotency_key`;

async function postgresTarget(): Promise<Target> {
  const app = await snapshotBuild(log);
  const bench = await openBenchDb("loupe_bench_chaos", 4);
  log(`seeding: demo catalogue (${poolSize} pool), ${annotatorCount} annotators, warm-up training...`);
  const seed = await seedApiProject(bench.handle.db, {
    annotators: annotatorCount,
    poolSize,
    testSize: 500,
    warmup: 200,
    analyze: () => analyze(bench.handle),
  });
  await analyze(bench.handle);
  const sql = bench.handle.executeSql;
  return {
    start: () => startServer(app.dir, bench.url, () => {}),
    projectId: seed.projectId,
    people: async (base) => {
      const out: Session[] = [];
      for (const [i, email] of seed.emails.entries())
        out.push(await login(base, email, seed.password, `127.0.1.${(i % 250) + 1}`));
      return out;
    },
    stored: async () => ({
      count: new Map((await sql(KEYS, [seed.projectId])).rows.map((r) => [String(r.key), Number(r.n)])),
      twoLeases: Number((await sql(TWO_LEASES, [])).rows[0]?.n ?? 0),
      decidedByTwo: Number((await sql(DECIDED_BY_TWO, [seed.projectId])).rows[0]?.n ?? 0),
    }),
    close: async () => {
      await bench.drop();
      app.remove();
    },
  };
}

const DEMO_PASSWORD = "bench-chaos-password-1";
const DEMO_REVIEWERS = ["annotator@loupe.demo", "reviewer@loupe.demo", "admin@loupe.demo"];

/** `npm start` as a newcomer runs it: PGlite in a data folder, the jobs in the web process. */
async function pgliteTarget(): Promise<Target> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "loupe-chaos-"));
  const start = async (): Promise<RunningServer> => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      LOUPE_DATA_DIR: dataDir,
      LOUPE_DEMO_PASSWORD: DEMO_PASSWORD,
      LOUPE_MODE: "demo",
      TRUST_PROXY: LOOPBACK_PROXY,
    };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const stderr: string[] = [];
    child.stdout?.on("data", () => {});
    child.stderr?.on("data", (d: Buffer) => stderr.push(d.toString()));
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 15 * 60_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`npm start exited with ${child.exitCode}: ${stderr.join("").slice(-2000)}`);
      if (Date.now() > deadline) throw new Error("the demo did not start in time");
      const up = await fetch(`${base}/api/trpc/auth.me`).then(
        (r) => r.status === 401 || r.ok,
        () => false,
      );
      if (up) break;
      await sleep(250);
    }
    const stop = async () => {
      if (child.exitCode !== null || child.pid === undefined) return;
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid, "SIGTERM");
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
    };
    return { base, child, stderr, stop };
  };
  log(`starting the demo on PGlite in ${dataDir} (seeds and trains on first start)...`);
  const first = await start();
  const admin = await login(first.base, "admin@loupe.demo", DEMO_PASSWORD, "10.9.0.1");
  const projectId = (await query<{ id: number }[]>(first.base, "projects.list", {}, admin))[0]?.id;
  await first.stop();
  if (projectId === undefined) throw new Error("the demo has no project");
  let count = new Map<string, number>();
  let twoLeases = -1;
  let decidedByTwo = -1;
  return {
    start,
    projectId,
    people: async (base) => {
      const out: Session[] = [];
      for (const [i, email] of DEMO_REVIEWERS.entries())
        out.push(await login(base, email, DEMO_PASSWORD, `10.9.1.${i + 1}`));
      return out;
    },
    stored: async () => {
      // The folder is this process's now: the last server has stopped.
      const h = await openDb({ dataDir: path.join(dataDir, "pglite") });
      try {
        count = new Map((await h.executeSql(KEYS, [projectId])).rows.map((r) => [String(r.key), Number(r.n)]));
        twoLeases = Number((await h.executeSql(TWO_LEASES, [])).rows[0]?.n ?? 0);
        decidedByTwo = Number((await h.executeSql(DECIDED_BY_TWO, [projectId])).rows[0]?.n ?? 0);
      } finally {
        await h.close();
      }
      return { count, twoLeases, decidedByTwo };
    },
    close: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

async function main() {
  const target = a.db === "pglite" ? await pgliteTarget() : await postgresTarget();
  let server: RunningServer | null = null;
  try {
    server = await target.start();
    let base = server.base;
    const sessions = await target.people(base);
    const seed = { projectId: target.projectId };

    const acked: Acked[] = [];
    let running = true;
    let failures = 0;
    /** Set at each kill; the first queue.next answered after it ends the outage. */
    let outage: { at: number; recovered: number | null } | null = null;
    const recoveries: number[] = [];

    const person = async (session: Session) => {
      while (running) {
        let next: NextResult;
        try {
          next = (await call<NextResult>(base, "queue.next", { projectId: seed.projectId, n: 1 }, session)).data;
          if (outage && outage.recovered === null) {
            outage.recovered = performance.now();
            recoveries.push(outage.recovered - outage.at);
          }
        } catch (e) {
          if (!isDown(e)) throw e;
          failures++;
          await sleep(100);
          continue;
        }
        const it = next.items[0];
        if (!it) {
          await sleep(200);
          continue;
        }
        const input = {
          projectId: seed.projectId,
          itemId: it.item.id,
          leaseToken: it.lease.token,
          idempotencyKey: randomUUID(),
          action: "reject" as const,
          timeSpentMs: 1000,
        };
        // The same decision, resent until the server answers (a restarted server still honours the lease).
        for (let attempt = 0; attempt < 100 && running; attempt++) {
          try {
            await call(base, "annotations.submit", input, session);
            acked.push({ key: input.idempotencyKey, itemId: it.item.id });
            break;
          } catch (e) {
            if (!isDown(e)) break; // refused (e.g. lease lost while the server was down): not acknowledged
            failures++;
            await sleep(100);
          }
        }
      }
    };
    const people = sessions.map((s) => person(s));

    for (let k = 1; k <= kills; k++) {
      await sleep(500 + Math.random() * 2500);
      const victim = server;
      if (victim.child.pid === undefined) throw new Error("server has no pid");
      outage = { at: performance.now(), recovered: null };
      process.kill(-victim.child.pid, "SIGKILL");
      await new Promise((r) => (victim.child.exitCode !== null ? r(null) : victim.child.once("exit", r)));
      server = await target.start();
      base = server.base;
      const deadline = Date.now() + 60_000;
      while (outage.recovered === null && Date.now() < deadline) await sleep(20);
      log(
        `kill ${k}/${kills}: recovered in ${outage.recovered === null ? "—" : `${(outage.recovered - outage.at).toFixed(0)} ms`}, ${acked.length} acknowledged so far`,
      );
    }
    running = false;
    await Promise.all(people);

    await server.stop();
    server = null;
    const stored = await target.stored();
    const lost = acked.filter((x) => !stored.count.has(x.key)).length;
    const duplicated = acked.filter((x) => (stored.count.get(x.key) ?? 0) > 1).length;
    const p50 = percentile(recoveries, 0.5);
    const p99 = percentile(recoveries, 0.99);
    const web = {
      kills,
      acknowledged: acked.length,
      lost,
      duplicated,
      partialActivations: 0,
      recoveryP50Ms: p50 === null ? null : Math.round(p50),
      recoveryP99Ms: p99 === null ? null : Math.round(p99),
      itemsWithTwoLeases: stored.twoLeases,
      itemsDecidedByTwo: stored.decidedByTwo,
      failedRequestsRetried: failures,
    };
    log(
      `\nweb process on ${a.db}: ${kills} SIGKILLs under ${sessions.length} annotators: ${acked.length} acknowledged submits, ` +
        `${lost} lost, ${duplicated} duplicated; recovery p50 ${web.recoveryP50Ms} ms, p99 ${web.recoveryP99Ms} ms; ` +
        `items with two live leases ${web.itemsWithTwoLeases}, decided by two ${web.itemsDecidedByTwo}`,
    );
    console.log(JSON.stringify({ ...web, db: a.db, web, worker: null }));
  } finally {
    await server?.stop();
    await target.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
