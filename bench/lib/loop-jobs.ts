/**
 * The jobs side of the loop: the real worker (pg-boss queues and handlers)
 * runs in this process; the bench calls its minute tick itself after each
 * batch (instead of waiting for the cron) and waits for the queues to drain.
 */
import type { DbHandle } from "@/db/client";
import { startWorker, type RunningWorker } from "@/server/jobs";
import { QUEUE_NAMES } from "@/server/jobs/queues";

const WORK_QUEUES = [QUEUE_NAMES.train, QUEUE_NAMES.recalibrate, QUEUE_NAMES.score];

export async function startBenchWorker(handle: DbHandle): Promise<RunningWorker> {
  // No cron: the bench ticks after every batch, which is what the cron would do, only sooner.
  return startWorker(handle, { schedule: false, pollingIntervalSeconds: 0.5 });
}

async function pending(handle: DbHandle): Promise<number> {
  const jobs = await handle.executeSql(
    `select count(*)::int as n from pgboss.job where name = any($1) and state in ('created', 'retry', 'active')`,
    [WORK_QUEUES],
  );
  const runs = await handle.executeSql(
    `select count(*)::int as n from model_versions where status in ('queued', 'training')`,
    [],
  );
  return Number(jobs.rows[0]?.n ?? 0) + Number(runs.rows[0]?.n ?? 0);
}

/** Waits until no train/recalibrate/score job is queued or running (bounded). */
export async function waitIdle(handle: DbHandle, timeoutMs = 30 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (Date.now() < deadline) {
    if ((await pending(handle)) === 0) {
      if (++quiet >= 2) return;
    } else quiet = 0;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`jobs still pending after ${timeoutMs / 1000}s`);
}

export type JobTimes = Record<string, { jobs: number; seconds: number; failed: number }>;

/** Where the worker's time went: run time of finished jobs per queue, from pg-boss's own records. */
export async function jobTimes(handle: DbHandle): Promise<JobTimes> {
  const r = await handle.executeSql(
    `select name, count(*)::int as jobs, coalesce(sum(extract(epoch from (completed_on - started_on))), 0)::float8 as seconds,
            (count(*) filter (where state = 'failed'))::int as failed
       from pgboss.job where name = any($1) and started_on is not null group by name`,
    [WORK_QUEUES],
  );
  const out: JobTimes = {};
  for (const row of r.rows)
    out[String(row.name).replace("loupe-", "")] = {
      jobs: Number(row.jobs),
      seconds: Number(row.seconds),
      failed: Number(row.failed),
    };
  return out;
}
