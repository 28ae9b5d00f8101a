/**
 * `npm run bench:chaos -- [--kills 50] [--annotators 20] [--pool 5000] [--json]`
 *
 * The web process killed under load. Seeds a project on a fresh Postgres database (demo
 * catalogue, an active model), starts `npm start`'s web server, and has --annotators
 * simulated people call queue.next + annotations.submit over HTTP with no think time.
 * --kills times, at a random moment 0.5–3 s apart, the server's process group gets
 * SIGKILL and a new server is started on the same database; a person whose request fails
 * retries the same submit (same idempotency key) once the server is back, as the review
 * page does. Recovery is the time from the kill until a queue.next answers again.
 *
 * Afterwards, from the database: every submit that was acknowledged (HTTP 200) is stored
 * exactly once (lost, duplicated), no item has two live leases, and no pool item was
 * decided by two people outside audits and second opinions. `--json` prints one object
 * on the last line with kills, acknowledged, lost, duplicated, partialActivations,
 * recoveryP50Ms, recoveryP99Ms and the same under `web`.
 *
 * Not yet measured here: kills of the worker process during training, scoring and
 * activation (partialActivations is 0 because no activation ran under a kill).
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { call, login, TrpcError, type Session } from "./lib/api-client";
import { percentile } from "./lib/api-load";
import { seedApiProject } from "./lib/api-seed";
import { snapshotBuild, startServer, type RunningServer } from "./lib/api-server";
import { analyze, openBenchDb } from "./lib/loop-db";

const { values: a } = parseArgs({
  options: {
    kills: { type: "string", default: "50" },
    annotators: { type: "string", default: "20" },
    pool: { type: "string", default: "5000" },
    json: { type: "boolean", default: false },
  },
});
const kills = Math.max(1, Number(a.kills));
const annotatorCount = Math.max(1, Number(a.annotators));
const poolSize = Math.max(500, Number(a.pool));
const log = (s: string) => (a.json ? process.stderr.write(s + "\n") : console.log(s));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type NextItem = { item: { id: number; externalId: string }; lease: { token: string } };
type NextResult = { status: string; items: NextItem[] };
type Acked = { key: string; itemId: number };

/** Fails for a dead server (connection refused or reset) as for a refusal: the caller retries either. */
function isDown(e: unknown): boolean {
  return !(e instanceof TrpcError) || e.status >= 500;
}

async function main() {
  const app = await snapshotBuild(log);
  const bench = await openBenchDb("loupe_bench_chaos", 4);
  let server: RunningServer | null = null;
  try {
    const db = bench.handle.db;
    log(`seeding: demo catalogue (${poolSize} pool), ${annotatorCount} annotators, warm-up training...`);
    const seed = await seedApiProject(db, {
      annotators: annotatorCount,
      poolSize,
      testSize: 500,
      warmup: 200,
      analyze: () => analyze(bench.handle),
    });
    await analyze(bench.handle);
    server = await startServer(app.dir, bench.url, log);
    let base = server.base;
    const sessions: Session[] = [];
    for (const [i, email] of seed.emails.entries())
      sessions.push(await login(base, email, seed.password, `127.0.1.${(i % 250) + 1}`));

    const acked: Acked[] = [];
    let running = true;
    let failures = 0;
    /** Set at each kill; the first queue.next answered after it ends the outage. */
    let outage: { at: number; recovered: number | null } | null = null;
    const recoveries: number[] = [];

    const person = async (session: Session) => {
      while (running) {
        let next: NextResult;
        try {
          next = (await call<NextResult>(base, "queue.next", { projectId: seed.projectId, n: 1 }, session)).data;
          if (outage && outage.recovered === null) {
            outage.recovered = performance.now();
            recoveries.push(outage.recovered - outage.at);
          }
        } catch (e) {
          if (!isDown(e)) throw e;
          failures++;
          await sleep(100);
          continue;
        }
        const it = next.items[0];
        if (!it) {
          await sleep(200);
          continue;
        }
        const input = {
          projectId: seed.projectId,
          itemId: it.item.id,
          leaseToken: it.lease.token,
          idempotencyKey: randomUUID(),
          action: "reject" as const,
          timeSpentMs: 1000,
        };
        // The same decision, resent until the server answers (a restarted server still honours the lease).
        for (let attempt = 0; attempt < 100 && running; attempt++) {
          try {
            await call(base, "annotations.submit", input, session);
            acked.push({ key: input.idempotencyKey, itemId: it.item.id });
            break;
          } catch (e) {
            if (!isDown(e)) break; // refused (e.g. lease lost while the server was down): not acknowledged
            failures++;
            await sleep(100);
          }
        }
      }
    };
    const people = sessions.map((s) => person(s));

    for (let k = 1; k <= kills; k++) {
      await sleep(500 + Math.random() * 2500);
      const victim = server;
      if (victim.child.pid === undefined) throw new Error("server has no pid");
      outage = { at: performance.now(), recovered: null };
      process.kill(-victim.child.pid, "SIGKILL");
      await new Promise((r) => (victim.child.exitCode !== null ? r(null) : victim.child.once("exit", r)));
      server = await startServer(app.dir, bench.url, () => {});
      base = server.base;
      const deadline = Date.now() + 60_000;
      while (outage.recovered === null && Date.now() < deadline) await sleep(20);
      log(
        `kill ${k}/${kills}: recovered in ${outage.recovered === null ? "—" : `${(outage.recovered - outage.at).toFixed(0)} ms`}, ${acked.length} acknowledged so far`,
      );
    }
    running = false;
    await Promise.all(people);

    const stored = await bench.handle.executeSql(
      `select idempotency_key as key, count(*)::int as n from annotations where project_id = $1 group by idempotency_key`,
      [seed.projectId],
    );
    const count = new Map(stored.rows.map((r) => [String(r.key), Number(r.n)]));
    const lost = acked.filter((x) => !count.has(x.key)).length;
    const duplicated = acked.filter((x) => (count.get(x.key) ?? 0) > 1).length;
    const twoLeases = await bench.handle.executeSql(
      `select count(*)::int as n from (select item_id from leases group by item_id having count(*) > 1) x`,
      [],
    );
    const decidedByTwo = await bench.handle.executeSql(
      `select count(*)::int as n from (
         select a.item_id from annotations a join items i on i.id = a.item_id
         where a.project_id = $1 and i.split = 'pool' and a.reason not in ('audit', 'overlap', 'evaluation', 'suspect')
           and a.action <> 'undo' and a.undoes_annotation_id is null
         group by a.item_id having count(distinct a.user_id) > 1) x`,
      [seed.projectId],
    );
    const p50 = percentile(recoveries, 0.5);
    const p99 = percentile(recoveries, 0.99);
    const web = {
      kills,
      acknowledged: acked.length,
      lost,
      duplicated,
      partialActivations: 0,
      recoveryP50Ms: p50 === null ? null : Math.round(p50),
      recoveryP99Ms: p99 === null ? null : Math.round(p99),
      itemsWithTwoLeases: Number(twoLeases.rows[0]?.n ?? 0),
      itemsDecidedByTwo: Number(decidedByTwo.rows[0]?.n ?? 0),
      failedRequestsRetried: failures,
    };
    log(
      `\nweb process: ${kills} SIGKILLs under ${annotatorCount} annotators: ${acked.length} acknowledged submits, ` +
        `${lost} lost, ${duplicated} duplicated; recovery p50 ${web.recoveryP50Ms} ms, p99 ${web.recoveryP99Ms} ms; ` +
        `items with two live leases ${web.itemsWithTwoLeases}, decided by two ${web.itemsDecidedByTwo}`,
    );
    console.log(JSON.stringify({ ...web, web, worker: null }));
  } finally {
    await server?.stop();
    await bench.drop();
    app.remove();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
