/**
 * `npm run bench:chaos -- [--kills 50] [--worker-kills N] [--annotators 20] [--pool 5000]
 *   [--stale-run-ms 15000] [--db postgres|pglite] [--json]`
 *
 * Loupe killed under load. Seeds a project on a fresh Postgres database (demo catalogue, an
 * active model), starts `npm start`'s web server, and has --annotators simulated people call
 * queue.next + annotations.submit over HTTP with no think time (bench/lib/chaos-crowd.ts).
 *
 * Web: --kills times, at a random moment 0.5–3 s apart, the server's process group gets SIGKILL
 * and a new server is started on the same database; a person whose request fails retries the same
 * submit (same idempotency key) once the server is back, as the review page does. Recovery is the
 * time from the kill until a queue.next answers again.
 *
 * Worker (Postgres): then, with the web server up and the people still deciding, `npm run worker`
 * runs as a process of its own and is SIGKILLed --worker-kills times (default --kills) during a
 * training run, its activation or the rescore after it, and restarted (bench/lib/chaos-worker.ts).
 * The workers run with LOUPE_STALE_RUN_MS = --stale-run-ms, so a killed run is found dead after
 * that long instead of the default 2 minutes. Recovery is the time from the kill until the killed
 * run is failed, the new worker is up and the queue answered.
 *
 * Afterwards, from the database: every submit that was acknowledged (HTTP 200) is stored exactly
 * once (lost, duplicated), no item has two live leases, no pool item was decided by two people
 * outside audits and second opinions, and after every worker kill the active version was ready and
 * its artifact sha256-verified (partialActivations counts the kills after which it was not) and was
 * still the previous one when the killed run had not finished. `--json` prints one object on the
 * last line with kills, acknowledged, lost, duplicated, partialActivations, recoveryP50Ms,
 * recoveryP99Ms summed over both kinds of kill, and the same per kind under `web` and `worker`.
 *
 * `--db pglite` is the demo case: `npm start` with no DATABASE_URL (embedded PGlite in a data
 * folder, the jobs inside the web process), killed and started again on the same folder; the
 * demo's three reviewing accounts decide, and the folder is opened afterwards to count what
 * survived. There is no separate worker to kill there (`worker` is null).
 */
import { parseArgs } from "node:util";
import { percentile } from "./lib/api-load";
import type { RunningServer } from "./lib/api-server";
import { Crowd, type KillKind } from "./lib/chaos-crowd";
import { pgliteTarget, postgresTarget } from "./lib/chaos-targets";
import { workerPhase, type WorkerPhaseResult } from "./lib/chaos-worker";

const { values: a } = parseArgs({
  options: {
    kills: { type: "string", default: "50" },
    "worker-kills": { type: "string" },
    annotators: { type: "string", default: "20" },
    pool: { type: "string", default: "5000" },
    "stale-run-ms": { type: "string", default: "15000" },
    db: { type: "string", default: "postgres" },
    json: { type: "boolean", default: false },
  },
});
const kills = Math.max(0, Number(a.kills));
const workerKills = Math.max(0, Number(a["worker-kills"] ?? a.kills));
const log = (s: string) => (a.json ? process.stderr.write(s + "\n") : console.log(s));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (x: number | null) => (x === null ? null : Math.round(x));

function summary(k: number, recoveries: number[], acked: { key: string }[], count: Map<string, number>) {
  return {
    kills: k,
    acknowledged: acked.length,
    lost: acked.filter((x) => !count.has(x.key)).length,
    duplicated: acked.filter((x) => (count.get(x.key) ?? 0) > 1).length,
    recoveryP50Ms: ms(percentile(recoveries, 0.5)),
    recoveryP99Ms: ms(percentile(recoveries, 0.99)),
  };
}

async function main() {
  const target =
    a.db === "pglite"
      ? await pgliteTarget({ log })
      : await postgresTarget({ log, annotators: Number(a.annotators), poolSize: Math.max(500, Number(a.pool)) });
  let server: RunningServer | null = null;
  try {
    server = await target.start();
    const sessions = await target.people(server.base);
    const crowd = new Crowd(server.base, target.projectId);
    crowd.start(sessions);
    const webRecoveries: number[] = [];

    for (let k = 1; k <= kills; k++) {
      await sleep(500 + Math.random() * 2500);
      const victim = server;
      if (victim.child.pid === undefined) throw new Error("server has no pid");
      const at = performance.now();
      process.kill(-victim.child.pid, "SIGKILL");
      await new Promise((r) => (victim.child.exitCode !== null ? r(null) : victim.child.once("exit", r)));
      // Watched from the exit on: an answer read just before the kill must not count as the new server's.
      const answered = crowd.answeredAfter(performance.now());
      server = await target.start();
      crowd.moveTo(server.base);
      const recovered = await Promise.race([answered, sleep(60_000).then(() => null)]);
      if (recovered !== null) webRecoveries.push(recovered - at);
      log(
        `web kill ${k}/${kills}: recovered in ${recovered === null ? "—" : `${(recovered - at).toFixed(0)} ms`}, ${crowd.acked.length} acknowledged so far`,
      );
    }

    let worker: WorkerPhaseResult | null = null;
    if (target.worker && workerKills > 0) {
      crowd.kind = "worker";
      const live = server;
      worker = await workerPhase({
        url: target.worker.url,
        handle: target.worker.handle,
        projectId: target.projectId,
        base: () => live.base,
        manager: await target.worker.manager(live.base),
        crowd,
        kills: workerKills,
        staleRunMs: Number(a["stale-run-ms"]),
        log,
      });
    }
    await crowd.stop();
    await server.stop();
    server = null;
    const stored = await target.stored();
    const of = (kind: KillKind) => crowd.acked.filter((x) => x.kind === kind);
    const web = {
      ...summary(kills, webRecoveries, of("web"), stored.count),
      partialActivations: 0,
      itemsWithTwoLeases: stored.twoLeases,
      itemsDecidedByTwo: stored.decidedByTwo,
    };
    const workerOut = worker && {
      ...summary(worker.kills, worker.recoveries, of("worker"), stored.count),
      partialActivations: worker.partialActivations,
      previousVersionNotKept: worker.previousNotKept,
      phasesHit: worker.phases,
      lastRun: worker.lastRun,
      jobsLeftActive: worker.jobsLeftActive,
      problems: worker.problems,
      staleRunMs: Number(a["stale-run-ms"]),
    };
    const total = {
      ...summary(
        web.kills + (worker?.kills ?? 0),
        [...webRecoveries, ...(worker?.recoveries ?? [])],
        crowd.acked,
        stored.count,
      ),
      partialActivations: worker?.partialActivations ?? 0,
    };
    log(
      `\nweb process on ${a.db}: ${web.kills} SIGKILLs under ${sessions.length} annotators: ${web.acknowledged} acknowledged submits, ` +
        `${web.lost} lost, ${web.duplicated} duplicated; recovery p50 ${web.recoveryP50Ms} ms, p99 ${web.recoveryP99Ms} ms; ` +
        `items with two live leases ${web.itemsWithTwoLeases}, decided by two ${web.itemsDecidedByTwo}`,
    );
    if (workerOut)
      log(
        `worker process: ${workerOut.kills} SIGKILLs (${Object.entries(workerOut.phasesHit)
          .map(([p, n]) => `${p} ${n}`)
          .join(", ")}): ` +
          `${workerOut.acknowledged} acknowledged submits meanwhile, ${workerOut.lost} lost, ${workerOut.duplicated} duplicated; ` +
          `partial activations ${workerOut.partialActivations}, previous version not kept ${workerOut.previousVersionNotKept}; ` +
          `recovery p50 ${workerOut.recoveryP50Ms} ms, p99 ${workerOut.recoveryP99Ms} ms (dead run found after ${workerOut.staleRunMs} ms)`,
      );
    log(
      `all: ${total.kills} kills, ${total.acknowledged} acknowledged, ${total.lost} lost, ${total.duplicated} duplicated, ` +
        `${total.partialActivations} partial activations; recovery p50 ${total.recoveryP50Ms} ms, p99 ${total.recoveryP99Ms} ms`,
    );
    console.log(JSON.stringify({ ...total, db: a.db, web, worker: workerOut }));
  } finally {
    await server?.stop();
    await target.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
