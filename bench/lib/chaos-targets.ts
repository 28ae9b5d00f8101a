/** The deployments bench:chaos kills: `npm start` on Postgres (with a separate worker), or the PGlite demo. */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDb, type DbHandle } from "@/db/client";
import { login, query, type Session } from "./api-client";
import { seedApiProject } from "./api-seed";
import { freePort, LOOPBACK_PROXY, snapshotBuild, startServer, type RunningServer } from "./api-server";
import { analyze, openBenchDb } from "./loop-db";

export type TargetOptions = { annotators: number; poolSize: number; log: (s: string) => void };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What the kill loop needs of a deployment: start a server, the people, and the stored decisions. */
export type Target = {
  start: () => Promise<RunningServer>;
  projectId: number;
  people: (base: string) => Promise<Session[]>;
  /** idempotency key → rows, and the two integrity counts, read after the last server stopped. */
  stored: () => Promise<{ count: Map<string, number>; twoLeases: number; decidedByTwo: number }>;
  close: () => Promise<void>;
  /** Postgres only: the database a separate worker process is started on, and a manager who may ask for training. */
  worker?: { url: string; handle: DbHandle; manager: (base: string) => Promise<Session> };
};

const TWO_LEASES = `select count(*)::int as n from (select item_id from leases group by item_id having count(*) > 1) x`;
const DECIDED_BY_TWO = `select count(*)::int as n from (
   select a.item_id from annotations a join items i on i.id = a.item_id
   where a.project_id = $1 and i.split = 'pool' and a.reason not in ('audit', 'overlap', 'evaluation', 'suspect')
     and a.action <> 'undo' and a.undoes_annotation_id is null
   group by a.item_id having count(distinct a.user_id) > 1) x`;
const KEYS = `select idempotency_key as key, count(*)::int as n from annotations where project_id = $1 group by idempotency_key`;

export async function postgresTarget(o: TargetOptions): Promise<Target> {
  const { log, annotators: annotatorCount, poolSize } = o;
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
    worker: {
      url: bench.url,
      handle: bench.handle,
      manager: (base) => login(base, seed.adminEmail, seed.password, "127.0.2.1"),
    },
  };
}

const DEMO_PASSWORD = "bench-chaos-password-1";
const DEMO_REVIEWERS = ["annotator@loupe.demo", "reviewer@loupe.demo", "admin@loupe.demo"];

/** `npm start` as a newcomer runs it: PGlite in a data folder, the jobs in the web process. */
export async function pgliteTarget(o: Pick<TargetOptions, "log">): Promise<Target> {
  const { log } = o;
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
