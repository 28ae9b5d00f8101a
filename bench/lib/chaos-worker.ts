/**
 * bench:chaos's worker half: `npm run worker` (a process of its own, Postgres) SIGKILLed at a
 * random moment of a training run, of its activation, or of the rescoring that follows, while the
 * web server stays up and the annotators keep deciding. Each kill asks for a run over HTTP (as the
 * project's admin), waits for the aimed-at moment plus a random delay, kills the worker's process
 * group and starts a new worker. Recovery: from the kill until the queue has answered, the new
 * worker is up and the killed run is no longer 'training' (failed by the dead-run check), so the
 * project can train again (the next kill's run is claimed, and a last run with no kill completes).
 * After each, the active version is checked: ready and sha256-verified, and the one active before
 * when the killed run never became ready.
 */
import type { DbHandle } from "@/db/client";
import { call, type Session } from "./api-client";
import type { Crowd } from "./chaos-crowd";
import { startWorkerProcess, type WorkerProcess } from "./chaos-worker-process";
import { checkActive, diagnose, jobsLeftActive, phaseHit, runState, type RunState } from "./chaos-worker-state";

export type WorkerPhaseOptions = {
  url: string;
  handle: DbHandle;
  projectId: number;
  base: () => string;
  manager: Session;
  crowd: Crowd;
  kills: number;
  staleRunMs: number;
  log: (s: string) => void;
};

export type WorkerPhaseResult = {
  kills: number;
  recoveries: number[];
  partialActivations: number;
  previousNotKept: number;
  phases: Record<string, number>;
  problems: string[];
  lastRun: { status: string; gatePassed: boolean | null; active: boolean; seconds: number } | null;
  /** After the last worker stopped: jobs left 'active' by killed workers (score ranges wait for their 15 min expiry). */
  jobsLeftActive: Record<string, number>;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const AIMS = ["activation", "scoring", "training"] as const;
type Aim = (typeof AIMS)[number];

async function until(what: string, fn: () => Promise<boolean>, timeoutMs: number, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * Waits for the moment a kill aims at (bounded: a run that ends first is killed wherever it is).
 * Returns how long the run trained (claimed → ready) when an activation kill saw it whole.
 */
async function aimAt(o: WorkerPhaseOptions, aim: Aim, versionId: number, trainMs: number): Promise<number | null> {
  const s = () => runState(o.handle, versionId);
  const done = (r: RunState) => r.status === "failed" || (r.status === "ready" && r.active !== versionId);
  const bound = 3 * 60_000;
  if (aim === "training") {
    await until("the run to be claimed", async () => (await s()).status !== "queued", bound, 50);
    await sleep(Math.random() * trainMs);
  } else if (aim === "activation") {
    // Storing 'ready', the activation transaction and sending the score jobs follow each other within
    // milliseconds: killed as soon as 'ready' is seen (the polling's phase is the randomness).
    let claimed: number | null = null;
    await until(
      "the run to end",
      async () => {
        const st = (await s()).status;
        if (st === "training") claimed ??= performance.now();
        return st === "ready" || st === "failed";
      },
      bound,
      2,
    );
    return claimed === null ? null : performance.now() - claimed;
  } else {
    let endedAt: number | null = null;
    await until(
      "the rescore",
      async () => {
        const r = await s();
        if (r.active === versionId && r.scoring > 0) return true;
        if (done(r)) endedAt ??= Date.now();
        return endedAt !== null && Date.now() - endedAt > 5_000; // not activated: no rescore to hit
      },
      bound,
      50,
    );
    await sleep(Math.random() * 1500);
  }
  return null;
}

export async function workerPhase(o: WorkerPhaseOptions): Promise<WorkerPhaseResult> {
  const out: WorkerPhaseResult = {
    kills: 0,
    recoveries: [],
    partialActivations: 0,
    previousNotKept: 0,
    phases: {},
    problems: [],
    lastRun: null,
    jobsLeftActive: {},
  };
  const train = async () =>
    (await call<{ versionId: number }>(o.base(), "models.train", { projectId: o.projectId }, o.manager)).data.versionId;
  let worker: WorkerProcess = await startWorkerProcess(o.url, o.staleRunMs);
  let trainMs = 10_000;
  try {
    for (let k = 1; k <= o.kills; k++) {
      const aim = AIMS[(k - 1) % AIMS.length]!;
      const before = (await checkActive(o.handle, o.projectId)).active;
      const versionId = await train();
      const trained = await aimAt(o, aim, versionId, trainMs);
      if (trained !== null && trained > 1000) trainMs = 0.95 * trained;
      await worker.kill();
      const killedAt = performance.now();
      const answered = o.crowd.answeredAfter(killedAt);
      const hit = await runState(o.handle, versionId);
      const phase = phaseHit(hit, versionId);
      out.phases[phase] = (out.phases[phase] ?? 0) + 1;
      worker = await startWorkerProcess(o.url, o.staleRunMs);
      await until(
        "the killed run to be failed",
        async () => (await runState(o.handle, versionId)).status !== "training",
        10 * o.staleRunMs + 120_000,
        100,
      );
      const recovered = Math.max(await answered, performance.now());
      out.recoveries.push(recovered - killedAt);
      out.kills++;
      const after = await runState(o.handle, versionId);
      const integrity = await checkActive(o.handle, o.projectId);
      if (!integrity.ok) {
        out.partialActivations++;
        out.problems.push(`kill ${k} (${phase}): ${integrity.problem}`);
      }
      if (after.status !== "ready" && integrity.active !== before) {
        out.previousNotKept++;
        out.problems.push(
          `kill ${k} (${phase}): version ${before} was active, ${integrity.active} is, run is ${after.status}`,
        );
      }
      o.log(
        `worker kill ${k}/${o.kills} aimed at ${aim}, hit ${phase}: run ${after.status}, active ${integrity.active}` +
          `${integrity.ok ? " (ready, sha256 ok)" : ` PROBLEM ${integrity.problem}`}; recovered in ${(recovered - killedAt).toFixed(0)} ms`,
      );
    }
    // The project trains again: a run with no kill completes.
    const t0 = performance.now();
    const last = await train();
    await until(
      "the last run",
      async () => ["ready", "failed"].includes((await runState(o.handle, last)).status),
      15 * 60_000,
      200,
    );
    // Activation follows 'ready' within milliseconds when the gate passes.
    await until("the activation", async () => (await runState(o.handle, last)).active === last, 10_000, 100).catch(
      () => {},
    );
    const r = await runState(o.handle, last);
    out.lastRun = {
      status: r.status,
      gatePassed: r.gatePassed,
      active: r.active === last,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
    };
    o.log(`last run with no kill: ${r.status}${r.active === last ? ", activated" : ""} in ${out.lastRun.seconds} s`);
  } catch (e) {
    o.log(
      `database:\n${await diagnose(o.handle, o.projectId)}\nworker output:\n${worker.output.join("").slice(-3000)}`,
    );
    throw e;
  } finally {
    await worker.stop();
  }
  out.jobsLeftActive = await jobsLeftActive(o.handle);
  return out;
}
