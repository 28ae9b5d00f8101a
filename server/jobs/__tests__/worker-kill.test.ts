/**
 * Postgres only: a real `npm run worker` process is killed with SIGKILL mid-training.
 * The previous version stays active and loadable (sha256 verified), a restarted worker
 * fails the dead run by itself once its heartbeat is older than LOUPE_STALE_RUN_MS (no
 * minute tick needed), the project trains again without its live run being taken for
 * dead, and rollback works.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { modelVersions, projects } from "@/db/schema";
import { createTestDb, type TestDb } from "@/test/db";
import { requestTraining } from "@/server/services/training";
import { runTraining } from "@/server/services/training";
import { loadVersion } from "@/server/services/models";
import { clearLoadedModels } from "@/server/services/models";
import { rollbackVersion } from "@/server/services/models";
import { makeSyntheticProject } from "@/test/model-fixtures";

const url = process.env.TEST_DATABASE_URL;

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  timeoutMs = 120_000,
): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The threshold the worker processes run with: a dead run is failed within it and a third. */
const STALE_MS = 2000;
let logs = "";
const output = () => logs.slice(-4000);

/**
 * node itself with tsx as a loader, in a process group of its own: the `tsx` command would run the
 * worker in a child process that a SIGKILL of the wrapper leaves running (and heartbeating).
 */
function spawnWorker(databaseUrl: string, epochs: string): ChildProcess {
  const c = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts", "--epochs", epochs, "--poll", "0.5"], {
    detached: true,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      SESSION_SECRET: randomBytes(32).toString("hex"),
      LOUPE_MODE: "production",
      LOUPE_STALE_RUN_MS: String(STALE_MS),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  c.stdout!.on("data", (d) => (logs += d));
  c.stderr!.on("data", (d) => (logs += d));
  return c;
}

describe.skipIf(!url)("worker killed with SIGKILL during training (postgres)", () => {
  let h: TestDb;
  let child: ChildProcess | null = null;
  beforeAll(async () => {
    h = await createTestDb({ name: "postgres", url });
  });
  afterAll(async () => {
    // Still running only if it neither exited nor was killed (a killed child's exitCode stays null).
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null)
      process.kill(-child.pid, "SIGKILL");
    await h?.drop();
  });

  it("leaves the previous version active and complete; the dead run fails; rollback works", async () => {
    const s = await makeSyntheticProject(h.db, { pool: 4000, labelled: 3000 });
    const v1 = (await requestTraining(h.db, { projectId: s.project.id, trigger: "initial", actorId: null })).versionId;
    expect(await runTraining(h.db, v1, { epochs: 3 })).toMatchObject({ outcome: "ready", activated: true });
    const v2 = (await requestTraining(h.db, { projectId: s.project.id, trigger: "manual", actorId: null })).versionId;

    child = spawnWorker(h.url!, "200");
    // The worker's startup tick dispatches the queued run; kill it once epochs are under way.
    const mid = await waitFor("training to start", async () => {
      const [r] = await h.db
        .select({ status: modelVersions.status, progress: modelVersions.progress })
        .from(modelVersions)
        .where(eq(modelVersions.id, v2));
      return r?.status === "training" && r.progress?.phase === "train" ? r : null;
    }).catch((e) => {
      throw new Error(`${e.message}\nworker output:\n${output()}`);
    });
    const exited = new Promise((r) => child!.once("exit", r));
    process.kill(-child.pid!, "SIGKILL");
    await exited;
    console.log(`[measure] killed worker at epoch ${mid.progress?.epoch}/${mid.progress?.epochs}`);

    const [p] = await h.db
      .select({ active: projects.activeModelVersionId })
      .from(projects)
      .where(eq(projects.id, s.project.id));
    expect(p!.active).toBe(v1);
    const [dead] = await h.db
      .select({ status: modelVersions.status, artifact: modelVersions.artifactSha256 })
      .from(modelVersions)
      .where(eq(modelVersions.id, v2));
    expect(dead).toEqual({ status: "training", artifact: null });
    await clearLoadedModels();
    const loaded = await loadVersion(h.db, s.project.id, v1); // throws on a sha256 mismatch
    expect(loaded.categoryIds).toHaveLength(3);

    // A new worker process (2 s threshold: beats every ~333 ms, checks every ~667 ms) finds the dead run by
    // itself, with no tick; a run it trains meanwhile beats and is never taken for dead.
    const killedAt = Date.now();
    child = spawnWorker(h.url!, "3");
    const failedAfter = await waitFor("the dead run to be failed", async () => {
      const [r] = await h.db
        .select({ status: modelVersions.status })
        .from(modelVersions)
        .where(eq(modelVersions.id, v2));
      return r?.status === "failed" ? Date.now() - killedAt : null;
    }).catch((e) => {
      throw new Error(`${e.message}\nworker output:\n${output()}`);
    });
    console.log(`[measure] dead run failed ${failedAfter} ms after the kill (threshold ${STALE_MS} ms)`);
    const v3 = (await requestTraining(h.db, { projectId: s.project.id, trigger: "manual", actorId: null })).versionId;
    expect(v3).not.toBe(v2);
    await waitFor("the next run", async () => {
      const [r] = await h.db
        .select({ status: modelVersions.status })
        .from(modelVersions)
        .where(eq(modelVersions.id, v3));
      return r?.status === "ready" || r?.status === "failed";
    });
    const [r3] = await h.db
      .select({ status: modelVersions.status, error: modelVersions.error })
      .from(modelVersions)
      .where(eq(modelVersions.id, v3));
    expect(r3).toEqual({ status: "ready", error: null });
    await rollbackVersion(h.db, { projectId: s.project.id, versionId: v1, actorId: s.user.id });
    const [p2] = await h.db
      .select({ active: projects.activeModelVersionId })
      .from(projects)
      .where(eq(projects.id, s.project.id));
    expect(p2!.active).toBe(v1);
  });
});
