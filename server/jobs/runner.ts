/**
 * The worker: pg-boss queues, handlers, the minute tick. Runs as its own
 * process (`npm run worker`, Postgres only) or inside the web process (demo).
 */
import type PgBoss from "pg-boss";
import type { DbHandle } from "@/db/client";
import type { DeliveryOptions } from "@/server/services/webhooks";
import { refreshStatistics } from "@/db/statistics";
import { createBoss } from "./boss";
import { setJobSender, type JobSender } from "./dispatch";
import { handleLabelErrors, handleRecalibrate, handleScore, handleTrain, handleWebhook } from "./handlers";
import { QUEUE_NAMES, queueOf, sendOptions } from "./queues";
import { repairRuns, runTick, staleRunMs, type TickOptions } from "./tick";
import { heartbeatEvery } from "@/server/services/training";

export type WorkerOptions = {
  /** Max epochs per run (tests use few). */
  epochs?: number;
  pollingIntervalSeconds?: number;
  /** Run the minute tick through pg-boss's cron, and the dead-run check more often (off in tests that tick by hand). */
  schedule?: boolean;
  scoreWorkers?: number;
  tick?: TickOptions;
  /** Webhook sending (tests: private targets, fast retries); unset fields come from the environment. */
  webhooks?: Partial<DeliveryOptions>;
  /** Webhook deliveries sent at once by this process (each may wait up to its timeout). */
  webhookBatch?: number;
};

export type RunningWorker = { boss: PgBoss; tick: () => Promise<void>; stop: () => Promise<void> };

export async function startWorker(handle: DbHandle, o: WorkerOptions = {}): Promise<RunningWorker> {
  const boss = await createBoss(handle, { schedule: o.schedule ?? true });
  const stop = new AbortController();
  const db = handle.db;
  const scoreWorkerIds: string[] = [];
  const sender: JobSender = async (name, data) => {
    await boss.send(queueOf(name), data, sendOptions(name, data));
    // A local score worker sleeping out its polling interval starts at once (other processes' workers poll).
    if (name === "score") for (const id of scoreWorkerIds) boss.notifyWorker(id);
  };
  setJobSender(sender);
  // Runs beat against the configured threshold; a test's tick override (0: everything is stale) must not set the pace.
  const heartbeatMs = heartbeatEvery(staleRunMs());
  const polling = { pollingIntervalSeconds: o.pollingIntervalSeconds ?? 2, batchSize: 1 };
  // Every job writes in bulk (predictions, auto labels, suspects, versions): the planner must see it at once.
  const thenRefresh = async <T>(work: Promise<T>): Promise<T> => {
    const result = await work;
    await refreshStatistics(db).catch((err) => console.error("[worker] refreshing statistics:", err));
    return result;
  };
  await refreshStatistics(db);
  await boss.work(
    QUEUE_NAMES.train,
    polling,
    async ([job]) =>
      job && thenRefresh(handleTrain(db, job, { epochs: o.epochs, stopSignal: stop.signal, heartbeatMs })),
  );
  await boss.work(QUEUE_NAMES.recalibrate, polling, async ([job]) => job && thenRefresh(handleRecalibrate(db, job)));
  await boss.work(
    QUEUE_NAMES.labelErrors,
    polling,
    async ([job]) => job && thenRefresh(handleLabelErrors(db, job, { epochs: o.epochs, stopSignal: stop.signal })),
  );
  for (let i = 0; i < (o.scoreWorkers ?? 1); i++) {
    // pg-boss waits out the polling interval after every fetch; a rescore is a run of short range
    // jobs, so after one the worker is woken to fetch the next at once (2 s × ranges otherwise).
    // `let`, assigned apart: the handler may run before work() has returned the id.
    let id: string | undefined;
    // eslint-disable-next-line prefer-const
    id = await boss.work(QUEUE_NAMES.score, polling, async ([job]) => {
      if (!job) return;
      const res = await thenRefresh(handleScore(db, job));
      if (id) boss.notifyWorker(id);
      return res;
    });
    scoreWorkerIds.push(id);
  }
  // Deliveries go out in parallel batches (a slow receiver holds up its own request only), and the
  // worker fetches again at once after a batch, as the score worker does. No statistics refresh: a row or two each.
  let hookWorker: string | undefined;
  // eslint-disable-next-line prefer-const
  hookWorker = await boss.work(QUEUE_NAMES.webhook, { ...polling, batchSize: o.webhookBatch ?? 8 }, async (jobs) => {
    const settled = await Promise.allSettled(jobs.map((job) => handleWebhook(db, job, o.webhooks)));
    for (const s of settled) if (s.status === "rejected") console.error("[worker] webhook delivery:", s.reason);
    if (hookWorker && jobs.length > 0) boss.notifyWorker(hookWorker);
  });
  const tick = () => thenRefresh(runTick(db, boss, o.tick));
  await boss.work(QUEUE_NAMES.tick, polling, async () => tick());
  let repair: NodeJS.Timeout | undefined;
  let checking: Promise<void> | null = null;
  if (o.schedule ?? true) {
    await boss.schedule(QUEUE_NAMES.tick, "* * * * *", {}, { singletonKey: "tick" });
    // The minute tick would find a killed worker's run up to a minute after it went stale: every worker
    // also checks every third of the threshold (a live run has beaten twice meanwhile).
    const staleMs = o.tick?.staleRunMs ?? staleRunMs();
    const check = () => {
      checking ??= repairRuns(db, boss, staleMs)
        .catch((err) => console.error("[worker] dead-run check:", err))
        .finally(() => (checking = null));
    };
    repair = setInterval(check, Math.min(30_000, Math.max(1_000, Math.floor(staleMs / 3))));
    repair.unref();
  }
  return {
    boss,
    tick,
    stop: async () => {
      clearInterval(repair);
      await checking;
      stop.abort(new Error("The worker is stopping"));
      setJobSender(null);
      await boss.stop({ graceful: true, timeout: 10_000, wait: true });
    },
  };
}
