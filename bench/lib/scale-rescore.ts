/**
 * Full rescoring through pg-boss with worker processes: the bench only sends the
 * score jobs (a pg-boss client with no queue workers of its own); `workers`
 * separate `npm run worker` processes claim the ranges. Each round starts from a
 * fresh calibration row (same figures), so every range is due again, as after a
 * recalibration.
 */
import type PgBoss from "pg-boss";
import type { DbHandle } from "@/db/client";
import { createBoss } from "@/server/jobs/boss";
import { setJobSender } from "@/server/jobs";
import { queueOf, sendOptions } from "@/server/jobs/queues";
import { applyCalibration } from "@/server/services/calibration";
import { loadVersion, planScoring } from "@/server/services/models";
import { waitIdle } from "./loop-jobs";
import { rssSampler, spawnWorker, type WorkerProc } from "./scale-proc";

export type RescoreResult = {
  workers: number;
  ranges: number;
  seconds: number;
  items: number;
  itemsPerSecond: number;
  failedJobs: number;
  /** Peak RSS per process (worker-N: its VmHWM; bench: sampled). */
  peakRssMb: Record<string, number>;
};

/** Makes this process a job sender only: planScoring's dispatches reach pg-boss. */
export async function startSender(handle: DbHandle): Promise<{ stop: () => Promise<void> }> {
  const boss: PgBoss = await createBoss(handle, { schedule: false });
  setJobSender(async (name, data) => {
    await boss.send(queueOf(name), data, sendOptions(name, data));
  });
  return {
    stop: async () => {
      setJobSender(null);
      await boss.stop({ graceful: false, wait: true });
    },
  };
}

async function freshCalibration(h: DbHandle, p: { projectId: number; versionId: number }): Promise<number> {
  const v = await loadVersion(h.db, p.projectId, p.versionId);
  const id = await applyCalibration(h.db, {
    projectId: p.projectId,
    versionId: p.versionId,
    previousId: v.calibrationId,
    actorId: null,
    kind: "bench",
    params: { ...v.calibration },
    thresholds: { global: null, perClass: v.perClass },
    metrics: {},
  });
  if (id === null) throw new Error("the version is not active");
  return id;
}

export async function rescoreWithWorkers(
  h: DbHandle,
  url: string,
  p: { projectId: number; versionId: number; items: number; workers: number; log: (s: string) => void },
): Promise<RescoreResult> {
  const procs: WorkerProc[] = [];
  const peak: Record<string, number> = {};
  try {
    for (let i = 0; i < p.workers; i++) procs.push(await spawnWorker(url));
    p.log(`  ${p.workers} worker process(es) running: pids ${procs.map((w) => w.pid).join(", ")}`);
    // Jobs done before this round (none expected) must not count: only jobs created from here.
    const since = new Date();
    const calibrationId = await freshCalibration(h, p);
    const sampler = rssSampler(Object.fromEntries(procs.map((w, i) => [`worker-${i + 1}`, w.pid])));
    const t0 = performance.now();
    const ranges = await planScoring(h.db, { projectId: p.projectId, versionId: p.versionId, calibrationId });
    await waitIdle(h);
    const seconds = (performance.now() - t0) / 1000;
    Object.assign(peak, sampler.stop());
    const failed = await h.executeSql(
      `select count(*)::int as n from pgboss.job where name like '%score%' and state = 'failed' and created_on >= $1`,
      [since.toISOString()],
    );
    return {
      workers: p.workers,
      ranges: ranges.length,
      seconds,
      items: p.items,
      itemsPerSecond: p.items / seconds,
      failedJobs: Number(failed.rows[0]?.n ?? 0),
      peakRssMb: peak,
    };
  } finally {
    for (const [i, w] of procs.entries()) {
      const hwm = await w.stop();
      if (hwm !== null) peak[`worker-${i + 1}`] = Math.max(peak[`worker-${i + 1}`] ?? 0, hwm);
    }
  }
}
