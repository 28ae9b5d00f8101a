/**
 * `npm run bench:demo -- [--db pglite|postgres] [--seconds 300] [--json]`
 *
 * Starts the demo exactly as `npm start` does (scripts/start.ts: build if needed, migrate, seed,
 * first training queued, jobs inside the web process) in a fresh data folder (or, with
 * --db postgres, a fresh Postgres database in demo mode). While the demo trains, scores,
 * auto-accepts and recalibrates, a reviewer and two annotators work through HTTP, and a
 * sampler calls every page's data procedures in turn (review next/submit, batch list with
 * each reason, overview, dashboard, models, settings). Prints p50/p99/max per procedure and
 * the longest stall any request saw; `--json` prints one object on the last line with one key
 * per procedure holding `p50Ms`, `p99Ms`, `maxMs`, plus `longestStallMs` and what the
 * demo's jobs did meanwhile.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { BATCH_REASONS } from "@/lib/constants";
import { call, login, query, TrpcError, type Session } from "./lib/api-client";
import { freePort, LOOPBACK_PROXY } from "./lib/api-server";
import { markdownTable } from "./lib/report";
import { percentile } from "./lib/api-load";

const { values: args } = parseArgs({
  options: {
    db: { type: "string", default: "pglite" },
    seconds: { type: "string", default: "300" },
    json: { type: "boolean", default: false },
    "keep-data": { type: "boolean", default: false },
    /** Writes the demo's own output there (with LOUPE_SLOW_QUERY_MS set, PGlite's slow statements). */
    "server-log": { type: "string" },
  },
});
const SECONDS = Number(args.seconds);
const ON_POSTGRES = args.db === "postgres";
const PG_ADMIN = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const PASSWORD = "bench-demo-password-1";
const log = (s: string) => process.stderr.write(`[bench:demo] ${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Timing = { proc: string; at: number; ms: number; ok: boolean };
const timings: Timing[] = [];
const errors: Record<string, number> = {};
const t0 = performance.now();
const now = () => performance.now() - t0;

async function timed<T>(proc: string, fn: () => Promise<T>): Promise<T | undefined> {
  const at = now();
  try {
    const r = await fn();
    timings.push({ proc, at, ms: now() - at, ok: true });
    return r;
  } catch (e) {
    timings.push({ proc, at, ms: now() - at, ok: false });
    const key = `${proc}: ${e instanceof TrpcError ? `${e.code} ` : ""}${(e as Error).message.slice(0, 80)}`;
    errors[key] = (errors[key] ?? 0) + 1;
    return undefined;
  }
}

async function startDemo(dataDir: string, databaseUrl: string | undefined) {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    LOUPE_DATA_DIR: dataDir,
    LOUPE_DEMO_PASSWORD: PASSWORD,
    LOUPE_MODE: "demo",
    // The bench's loopback client forwards one address per simulated person (lib/api-client.ts).
    TRUST_PROXY: LOOPBACK_PROXY,
  };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const output: string[] = [];
  child.stdout?.on("data", (d: Buffer) => output.push(d.toString()));
  child.stderr?.on("data", (d: Buffer) => output.push(d.toString()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15 * 60_000; // a cold `next build` on 2 busy cores
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`npm start exited with ${child.exitCode}: ${output.join("").slice(-2000)}`);
    if (Date.now() > deadline) throw new Error("the demo did not start in time");
    try {
      const r = await fetch(`${base}/api/trpc/auth.me`);
      if (r.status === 401 || r.ok) break;
    } catch {
      /* not listening yet */
    }
    await sleep(250);
  }
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((r) => child.once("exit", r));
    process.kill(-child.pid, "SIGTERM");
    await Promise.race([exited, sleep(10_000)]);
    if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
  };
  return { base, stop, output };
}

type Handoff = {
  item: { id: number };
  lease: { token: string };
  pick: { reason: string };
  prediction: { modelVersionId: number; top: { categoryId: number }[] } | null;
  currentLabel: { categoryId: number | null } | null;
};

/** A person in the review page: next, think, submit (mostly accept, sometimes correct), as the page does. */
async function annotator(base: string, s: Session, projectId: number, categoryIds: number[], until: number) {
  let buffer: Handoff[] = [];
  while (now() < until) {
    if (buffer.length === 0) {
      const r = await timed("queue.next", () =>
        call<{ status: string; items: Handoff[] }>(base, "queue.next", { projectId, n: 5 }, s),
      );
      buffer = r?.data.items ?? [];
      if (buffer.length === 0) {
        await sleep(1000);
        continue;
      }
    }
    const it = buffer.shift()!;
    await sleep(800 + Math.random() * 1200);
    // "accept" takes the model's suggestion only; with none on screen (an evaluation pick hides it, a suspect
    // shows the current label) the page sends the kept category as a correction, and so does this person.
    const suggested = it.prediction?.top[0]?.categoryId ?? null;
    const accept = suggested !== null && Math.random() < 0.8;
    const keep = suggested === null && it.currentLabel ? it.currentLabel.categoryId : null;
    const other =
      keep ?? it.prediction?.top[1]?.categoryId ?? categoryIds[Math.floor(Math.random() * categoryIds.length)];
    await timed("annotations.submit", () =>
      call(
        base,
        "annotations.submit",
        {
          projectId,
          itemId: it.item.id,
          leaseToken: it.lease.token,
          idempotencyKey: randomUUID(),
          action: accept ? "accept" : "correct",
          categoryId: accept ? undefined : other,
          timeSpentMs: 2000,
          modelVersionId: it.prediction?.modelVersionId,
        },
        s,
      ),
    );
  }
}

/** Every page's data procedures, one after another, as people opening pages would. */
function pageCalls(projectId: number): [string, unknown][] {
  const p = { projectId };
  return [
    ["projects.get", p],
    ["queue.stats", p],
    ["evaluation.status", p],
    ...BATCH_REASONS.map((reason): [string, unknown] => [`batch.list`, { projectId, reason }]),
    ["batch.facets", p],
    ["dashboard.activity", p],
    ["dashboard.trends", p],
    ["dashboard.activeModel", p],
    ["metrics.current", p],
    ["metrics.timeline", p],
    ["models.list", p],
    ["models.progress", p],
    ["categories.list", p],
  ];
}

/** A list procedure's rows, whichever envelope it answers with. */
function rowsOf<T>(x: unknown): T[] {
  if (Array.isArray(x)) return x as T[];
  const o = x as Record<string, unknown>;
  const list = Object.values(o).find(Array.isArray);
  if (!list) throw new Error(`no list in ${JSON.stringify(x).slice(0, 200)}`);
  return list as T[];
}

const procName = (proc: string, input: unknown) =>
  proc === "batch.list" ? `batch.list(${(input as { reason: string }).reason})` : proc;

/** The admin's pages. */
function adminCalls(projectId: number): [string, unknown][] {
  return [
    ["audit.list", { projectId }],
    ["users.list", {}],
    ["members.list", { projectId }],
  ];
}

async function sampler(base: string, s: Session, projectId: number, until: number, calls = pageCalls(projectId)) {
  for (let i = 0; now() < until; i++) {
    const [proc, input] = calls[i % calls.length]!;
    await timed(procName(proc, input), () => query(base, proc, input, s));
    await sleep(150);
  }
}

/** What the demo's jobs did during the run, from the models list (versions trained, active one). */
async function jobsSeen(base: string, s: Session, projectId: number) {
  const r = rowsOf<{ version: number; status: string }>(await query(base, "models.list", { projectId }, s));
  return r.map((v) => `v${v.version} ${v.status}`);
}

async function main() {
  const dataDir = mkdtempSync(path.join(tmpdir(), "loupe-bench-demo-"));
  let dbName: string | null = null;
  let databaseUrl: string | undefined;
  if (ON_POSTGRES) {
    dbName = `loupe_bench_demo_${Date.now()}`;
    const admin = postgres(PG_ADMIN, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${dbName}`);
    await admin.end();
    databaseUrl = PG_ADMIN.replace(/\/[^/]*$/, `/${dbName}`);
  }
  log(`starting the demo (${ON_POSTGRES ? `Postgres ${dbName}` : `PGlite in ${dataDir}`}) as npm start does`);
  const demo = await startDemo(dataDir, databaseUrl);
  const startedAt = now();
  log(`demo up after ${(startedAt / 1000).toFixed(1)} s (build, seed included); measuring for ${SECONDS} s`);
  try {
    const ip = (n: number) => `10.77.0.${n}`;
    const admin = await login(demo.base, "admin@loupe.demo", PASSWORD, ip(1));
    const projectId = rowsOf<{ id: number }>(await query(demo.base, "projects.list", {}, admin))[0]!.id;
    // A second annotator, created as an admin would.
    await call(
      demo.base,
      "users.create",
      {
        email: "annotator2@loupe.demo",
        name: "Second annotator",
        password: PASSWORD,
      },
      admin,
    ).catch((e: unknown) => log(`users.create: ${(e as Error).message}`));
    await call(demo.base, "members.set", { projectId, email: "annotator2@loupe.demo", role: "annotator" }, admin);
    const reviewer = await login(demo.base, "reviewer@loupe.demo", PASSWORD, ip(2));
    const a1 = await login(demo.base, "annotator@loupe.demo", PASSWORD, ip(3));
    const a2 = await login(demo.base, "annotator2@loupe.demo", PASSWORD, ip(4));
    const ml = await login(demo.base, "ml@loupe.demo", PASSWORD, ip(5));
    const categoryIds = rowsOf<{ id: number }>(await query(demo.base, "categories.list", { projectId }, admin)).map(
      (c) => c.id,
    );
    const until = now() + SECONDS * 1000;
    await Promise.all([
      annotator(demo.base, a1, projectId, categoryIds, until),
      annotator(demo.base, a2, projectId, categoryIds, until),
      annotator(demo.base, reviewer, projectId, categoryIds, until),
      sampler(demo.base, reviewer, projectId, until),
      sampler(demo.base, ml, projectId, until),
      sampler(demo.base, admin, projectId, until, adminCalls(projectId)),
    ]);
    const versions = await jobsSeen(demo.base, ml, projectId).catch(() => [] as string[]);
    report(versions);
  } finally {
    await demo.stop();
    if (args["server-log"]) writeFileSync(args["server-log"], demo.output.join(""));
    if (!args["keep-data"]) rmSync(dataDir, { recursive: true, force: true });
    if (dbName && !args["keep-data"]) {
      const admin = postgres(PG_ADMIN, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    }
  }
}

function report(versions: string[]) {
  const byProc = new Map<string, number[]>();
  for (const t of timings) byProc.set(t.proc, [...(byProc.get(t.proc) ?? []), t.ms]);
  const rows = [...byProc.entries()].sort(([a], [b]) => a.localeCompare(b));
  const stats = Object.fromEntries(
    rows.map(([proc, ms]) => [
      proc,
      {
        calls: ms.length,
        p50Ms: Math.round(percentile(ms, 0.5) ?? 0),
        p99Ms: Math.round(percentile(ms, 0.99) ?? 0),
        maxMs: Math.round(Math.max(...ms)),
      },
    ]),
  );
  const longest = timings.reduce((m, t) => (t.ms > m.ms ? t : m), { proc: "-", at: 0, ms: 0, ok: true });
  console.log(
    markdownTable(
      ["procedure", "calls", "p50 ms", "p99 ms", "max ms"],
      Object.entries(stats).map(([p, s]) => [p, s.calls, s.p50Ms, s.p99Ms, s.maxMs]),
    ),
  );
  console.log(
    `\nlongest stall: ${Math.round(longest.ms)} ms (${longest.proc} at ${(longest.at / 1000).toFixed(0)} s); ` +
      `model versions at the end: ${versions.join(", ") || "none"}; errors: ${JSON.stringify(errors)}`,
  );
  const worstP99 = Math.max(...Object.values(stats).map((s) => s.p99Ms));
  const worstMax = Math.max(...Object.values(stats).map((s) => s.maxMs));
  console.log(
    `goal p99 < 1000 ms: ${worstP99 < 1000 ? "met" : "missed"} (worst ${worstP99}); max < 2000 ms: ${worstMax < 2000 ? "met" : "missed"} (worst ${worstMax})`,
  );
  if (args.json)
    console.log(
      JSON.stringify({
        db: ON_POSTGRES ? "postgres" : "pglite",
        seconds: SECONDS,
        ...stats,
        longestStallMs: Math.round(longest.ms),
        longestStallProcedure: longest.proc,
        worstP99Ms: worstP99,
        worstMaxMs: worstMax,
        versions,
        errors,
      }),
    );
}

await main();
