/**
 * `npm run worker`: the jobs (training, recalibration, scoring, the minute
 * tick) as their own process against Postgres. Add more for scale: queues are
 * shared through the database. Options: --epochs N, --poll SECONDS, --score-workers N.
 */
import { parseArgs } from "node:util";
import { openDb } from "../db/client";
import { migrateDb } from "../db/migrate";
import { loadEnv } from "../server/env";
import { startWorker } from "../server/jobs/runner";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { epochs: { type: "string" }, poll: { type: "string" }, "score-workers": { type: "string" } },
  });
  const e = loadEnv();
  if (!e.DATABASE_URL) {
    // PGlite is one process's database: a second process would open (and corrupt) the same folder.
    console.error(
      "npm run worker needs Postgres (set DATABASE_URL). With PGlite the jobs run inside the web process (LOUPE_WORKER=inline).",
    );
    process.exit(2);
  }
  const handle = await openDb({ url: e.DATABASE_URL, maxConnections: 5 });
  await migrateDb(handle);
  const worker = await startWorker(handle, {
    epochs: values.epochs ? Number(values.epochs) : undefined,
    pollingIntervalSeconds: values.poll ? Number(values.poll) : undefined,
    scoreWorkers: values["score-workers"] ? Number(values["score-workers"]) : undefined,
  });
  console.log(`loupe worker ${process.pid} running (queues: train, recalibrate, score, tick)`);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping after the current jobs…`);
    await worker.stop();
    await handle.close();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  await worker.tick();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
