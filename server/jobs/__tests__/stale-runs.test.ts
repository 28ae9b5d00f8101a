/**
 * Dead-run detection: a run is failed once its heartbeat (database clock) is older than the
 * threshold, never while it beats, whatever phase it is in; the worker's own check finds it
 * without the minute tick.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { modelVersions } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { failStaleRuns, heartbeatEvery, requestTraining, startHeartbeat } from "@/server/services/training";

import { startWorker } from "@/server/jobs/runner";
import { createBoss } from "@/server/jobs/boss";
import { QUEUE_NAMES, sendOptions } from "@/server/jobs/queues";
import { repairRuns } from "@/server/jobs/tick";
import { makeSyntheticProject, type Synthetic } from "@/test/model-fixtures";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(dbTargets())("stale training runs on $name", (target) => {
  let h: TestDb;
  let s: Synthetic;
  beforeAll(async () => {
    h = await createTestDb(target);
    s = await makeSyntheticProject(h.db, { labelled: 150 });
  });
  afterAll(async () => {
    await h?.drop();
  });

  /** A 'training' row as a claimed run leaves it, its last beat `agoMs` before the database's now(). */
  async function runningRow(agoMs: number): Promise<number> {
    const { versionId } = await requestTraining(h.db, { projectId: s.project.id, trigger: "manual", actorId: null });
    await h.db
      .update(modelVersions)
      .set({
        status: "training",
        startedAt: new Date(Date.now() - agoMs),
        heartbeatAt: sql`now() - make_interval(secs => ${agoMs / 1000})`,
        progress: { phase: "evaluate" },
      })
      .where(eq(modelVersions.id, versionId));
    return versionId;
  }
  const statusOf = async (id: number) =>
    (await h.db.select({ s: modelVersions.status }).from(modelVersions).where(eq(modelVersions.id, id)))[0]?.s;

  it("a beating run outlives many checks at a threshold of a few beats; once the beat stops it is failed", async () => {
    expect(heartbeatEvery(120_000)).toBe(20_000);
    const staleMs = 1200;
    const id = await runningRow(0);
    const stop = startHeartbeat(h.db, id, heartbeatEvery(staleMs));
    try {
      // 3 s of checks: 2.5 thresholds without a progress write; only the timer's beats keep it alive.
      for (let i = 0; i < 15; i++) {
        expect(await failStaleRuns(h.db, staleMs)).toEqual([]);
        await sleep(200);
      }
      expect(await statusOf(id)).toBe("training");
    } finally {
      await stop();
    }
    await sleep(staleMs + 300);
    expect((await failStaleRuns(h.db, staleMs)).map((r) => r.versionId)).toEqual([id]);
    expect(await statusOf(id)).toBe("failed");
  });

  it("judges by the database's clock: a beat 10 minutes old is stale at a 2 minute threshold, 30 s is not", async () => {
    const old = await runningRow(10 * 60_000);
    expect((await failStaleRuns(h.db, 120_000)).map((r) => r.versionId)).toEqual([old]);
    const recent = await runningRow(30_000);
    expect(await failStaleRuns(h.db, 120_000)).toEqual([]);
    expect(await statusOf(recent)).toBe("training");
    await failStaleRuns(h.db, 0);
    expect(await statusOf(recent)).toBe("failed");
  });

  it("a training job a killed worker left active is cancelled, so the next run's job is fetched", async () => {
    const boss = await createBoss(h, { schedule: false });
    try {
      const projectId = s.project.id;
      const send = (versionId: number) =>
        boss.send(QUEUE_NAMES.train, { projectId, versionId }, sendOptions("train", { projectId }));
      const v1 = (await requestTraining(h.db, { projectId, trigger: "manual", actorId: null })).versionId;
      const j1 = await send(v1);
      expect((await boss.fetch(QUEUE_NAMES.train)).map((j) => j.id)).toEqual([j1]);
      // The worker stored the run, then was killed before it ended the job.
      await h.db.update(modelVersions).set({ status: "failed" }).where(eq(modelVersions.id, v1));
      const v2 = (await requestTraining(h.db, { projectId, trigger: "manual", actorId: null })).versionId;
      expect(await send(v2)).toBeTruthy();
      // While the orphan is active, no fetch hands out the project's next job (pg-boss's stately index).
      expect((await boss.fetch(QUEUE_NAMES.train).catch(() => null)) ?? []).toEqual([]);
      await repairRuns(h.db, boss, 60_000);
      expect((await boss.getJobById(QUEUE_NAMES.train, j1!))?.state).toBe("active"); // younger than the threshold
      await h.executeSql(`update pgboss.job set started_on = now() - interval '2 minutes' where id = $1`, [j1]);
      await repairRuns(h.db, boss, 60_000);
      expect((await boss.getJobById(QUEUE_NAMES.train, j1!))?.state).toBe("cancelled");
      const next = await boss.fetch<{ versionId: number }>(QUEUE_NAMES.train);
      expect(next.map((j) => j.data.versionId)).toEqual([v2]);
      await h.db.update(modelVersions).set({ status: "failed" }).where(eq(modelVersions.id, v2));
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });

  it("a running worker finds a dead run by itself within the threshold and a third, without the minute tick", async () => {
    const dead = await runningRow(0);
    // schedule: true starts the dead-run check; pg-boss's minute cron may not fire within the test.
    const worker = await startWorker(h, { schedule: true, pollingIntervalSeconds: 0.5, tick: { staleRunMs: 1500 } });
    const t0 = Date.now();
    try {
      while ((await statusOf(dead)) === "training" && Date.now() - t0 < 20_000) await sleep(100);
      const ms = Date.now() - t0;
      console.log(`[measure] ${target.name}: dead run failed ${ms} ms after the worker started (threshold 1500 ms)`);
      expect(await statusOf(dead)).toBe("failed");
      expect(ms).toBeLessThan(1500 + 500 + 5000);
    } finally {
      await worker.stop();
    }
  });
});
