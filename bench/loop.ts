/**
 * `npm run bench:loop -- [--data FILE|demo] [--budget N] [--batch N] [--target 0.9,0.95,0.98]
 *                        [--annotators N] [--retrain-every N] [--audit-rate R] [--strategy S] [--seed N] [--quick] [--json]
 *                        [--gold import|loop] [--legacy-labels SHARE --legacy-noise SHARE] [--annotator-error RATE]`
 *
 * The whole product loop through the real services on a fresh Postgres database per
 * target: import (test rows as gold, pool unlabelled), simulated annotators on
 * queue.next + annotations.submit (tRPC callers; the file's category is the oracle),
 * the real pg-boss worker in this process (train, score + auto-accept, recalibrate),
 * the worker's minute tick called after every batch (retrains by the project's
 * retrainEveryLabels, audit checks), until the label budget is spent.
 * One run per target: the target changes what is certified and audited from the start.
 *
 * --gold import (default) imports the test rows as gold, as before; --gold loop
 * never shows them to the project: its gold comes only from evaluation picks,
 * and the active model is scored on the test rows offline. --legacy-labels
 * imports that share of pool rows already labelled, --legacy-noise of those
 * with a wrong category; --annotator-error makes simulated people err that often.
 */
import { parseArgs } from "node:util";
import { modelVersions } from "@/db/schema";
import { eq } from "drizzle-orm";
import { clearLoadedModels } from "@/server/services/models";
import { DEFAULT_SETTINGS } from "@/server/services/projects";
import { annotate, emptyTally } from "./lib/loop-annotators";
import { analyze, openBenchDb } from "./lib/loop-db";
import { jobTimes, startBenchWorker, waitIdle, type JobTimes } from "./lib/loop-jobs";
import { measureRound, oracleFigures, truthById, type OracleFigures, type RoundFigures } from "./lib/loop-measure";
import { callerFor, loadRows, setupProject, type BenchRow, type GoldSource } from "./lib/loop-setup";
import { measureQuality } from "./lib/loop-quality";
import { createRng } from "@/ml/rng";
import { printRounds, printSummary, type TargetRun } from "./lib/loop-report";

const INSTACART = "../shared/data/instacart-products/products.jsonl";

const { values: a } = parseArgs({
  options: {
    data: { type: "string", default: INSTACART },
    budget: { type: "string" },
    batch: { type: "string", default: "100" },
    target: { type: "string", default: "0.9,0.95,0.98" },
    annotators: { type: "string", default: "4" },
    "retrain-every": { type: "string" },
    "audit-rate": { type: "string" },
    strategy: { type: "string" },
    quick: { type: "boolean", default: false },
    seed: { type: "string", default: "42" },
    json: { type: "boolean", default: false },
    gold: { type: "string", default: "import" },
    "legacy-labels": { type: "string", default: "0" },
    "legacy-noise": { type: "string", default: "0" },
    "annotator-error": { type: "string", default: "0" },
  },
});

const isDemo = a.data === "demo";
const quick = a.quick ?? false;
const budget = Number(a.budget ?? (quick ? (isDemo ? 600 : 800) : isDemo ? 2000 : 5000));
const batch = Number(a.batch);
const targets = String(a.target).split(",").map(Number);
const annotators = Number(a.annotators);
const retrainEvery = Number(a["retrain-every"] ?? DEFAULT_SETTINGS.retrainEveryLabels);
const auditRate = Number(a["audit-rate"] ?? DEFAULT_SETTINGS.auditRate);
const STRATEGIES = ["margin", "least_confidence", "entropy", "random"] as const;
const strategy = (a.strategy ?? DEFAULT_SETTINGS.strategy) as (typeof STRATEGIES)[number];
if (!STRATEGIES.includes(strategy)) throw new Error(`--strategy must be one of ${STRATEGIES.join(", ")}`);
const log = (s: string) => (a.json ? process.stderr.write(s + "\n") : console.log(s));
const goldSource = a.gold as GoldSource;
if (goldSource !== "import" && goldSource !== "loop") throw new Error("--gold must be import or loop");
const legacyShare = Number(a["legacy-labels"]);
const legacyNoise = Number(a["legacy-noise"]);
const annotatorError = Number(a["annotator-error"]);
for (const [k, v] of Object.entries({
  "legacy-labels": legacyShare,
  "legacy-noise": legacyNoise,
  "annotator-error": annotatorError,
}))
  if (!(v >= 0 && v <= 1)) throw new Error(`--${k} must be a share in [0, 1]`);

for (const [k, v] of Object.entries({ budget, batch, annotators, retrainEvery, auditRate }))
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${k} must be a non-negative number`);
if (targets.some((t) => !(t >= 0.5 && t <= 0.999)))
  throw new Error("--target: comma-separated precisions in [0.5, 0.999]");

async function runTarget(rows: BenchRow[], target: number): Promise<TargetRun> {
  const bench = await openBenchDb("loupe_bench_loop", 12);
  const { handle } = bench;
  const db = handle.db;
  await clearLoadedModels(); // free the previous run's models (the cache is keyed by database, so this is memory, not correctness)
  const time = { setup: 0, annotate: 0, tick: 0, jobsWait: 0, measure: 0 };
  try {
    let t0 = performance.now();
    const settings = {
      precisionTarget: target,
      retrainEveryLabels: retrainEvery,
      auditRate,
      batchSize: 20,
      strategy,
      // Imported gold: the loop as it ran before evaluation picks existed. Loop gold: the automatic share.
      evaluationRate: goldSource === "import" ? 0 : null,
      suspectRate: legacyShare > 0 ? DEFAULT_SETTINGS.suspectRate : 0,
    };
    const legacy = legacyShare > 0 ? { share: legacyShare, noise: legacyNoise, seed: Number(a.seed) } : undefined;
    const proj = await setupProject(db, rows, { annotators, settings, gold: goldSource, legacy });
    await analyze(handle);
    const truth = await truthById(db, proj.projectId, proj.truth);
    const callers = proj.annotators.map((u) => callerFor(db, u));
    const fallible = {
      rate: annotatorError,
      rng: createRng(Number(a.seed) + 101),
      categoryIds: [...new Set(proj.truth.values())],
    };
    const worker = await startBenchWorker(handle);
    time.setup = performance.now() - t0;
    log(
      `target ${target}: ${proj.poolSize} pool, ${proj.testSize} gold, ${proj.categoryCount} categories; import ${(proj.importMs / 1000).toFixed(1)} s; database ${bench.url.split("/").pop()}`,
    );
    const started = performance.now();
    const tally = emptyTally();
    const rounds: RoundFigures[] = [];
    try {
      for (let round = 1; tally.decisions < budget && !tally.done; round++) {
        t0 = performance.now();
        await annotate(
          callers,
          proj.projectId,
          proj.truth,
          Math.min(batch, budget - tally.decisions),
          10,
          tally,
          fallible,
        );
        time.annotate += performance.now() - t0;
        t0 = performance.now();
        await worker.tick();
        time.tick += performance.now() - t0;
        t0 = performance.now();
        await waitIdle(handle);
        time.jobsWait += performance.now() - t0;
        t0 = performance.now();
        await analyze(handle);
        const r = await measureRound(db, {
          projectId: proj.projectId,
          poolSize: proj.poolSize,
          truthById: truth,
          tally,
          round,
          started,
        });
        const q = await measureQuality(db, {
          projectId: proj.projectId,
          goldSource,
          heldOutTest: proj.heldOutTest,
          truth: proj.truth,
          truthById: truth,
          legacyWrong: proj.legacyWrong,
        });
        if (q.offlineTestAccuracy !== null) r.testAccuracy = q.offlineTestAccuracy;
        Object.assign(r, {
          gold: q.gold,
          goldSource: q.goldSource,
          labelErrors: q.labelErrors,
          legacyWrongStanding: q.legacyWrongStanding,
        });
        time.measure += performance.now() - t0;
        rounds.push(r);
        if (!a.json) printRounds([r], rounds.length === 1);
      }
      const oracle: OracleFigures | null = await oracleFigures(db, proj.projectId, target);
      const jobs: JobTimes = await jobTimes(handle);
      const runs = await db
        .select({ trainMs: modelVersions.trainMs, status: modelVersions.status })
        .from(modelVersions)
        .where(eq(modelVersions.projectId, proj.projectId));
      const final = rounds[rounds.length - 1]!;
      return {
        target,
        goldSource,
        legacy: {
          imported: proj.legacyCount,
          wrong: proj.legacyWrong.size,
          wrongStanding: final.legacyWrongStanding ?? 0,
        },
        labelErrors: final.labelErrors,
        pool: proj.poolSize,
        gold: proj.testSize,
        categories: proj.categoryCount,
        rounds,
        final,
        oracle,
        tally: { ...tally, nextMs: [], submitMs: [] },
        latencyMs: {
          nextP50: pct(tally.nextMs, 0.5),
          nextP99: pct(tally.nextMs, 0.99),
          submitP50: pct(tally.submitMs, 0.5),
          submitP99: pct(tally.submitMs, 0.99),
        },
        time: {
          totalSeconds: (performance.now() - started + time.setup) / 1000,
          setupSeconds: time.setup / 1000,
          annotateSeconds: time.annotate / 1000,
          tickSeconds: time.tick / 1000,
          jobsWaitSeconds: time.jobsWait / 1000,
          measureSeconds: time.measure / 1000,
          trainSeconds: runs.reduce((s, r) => s + (r.trainMs ?? 0), 0) / 1000,
          runs: runs.length,
          failedRuns: runs.filter((r) => r.status === "failed").length,
          jobs,
        },
      };
    } finally {
      await worker.stop();
    }
  } finally {
    await bench.drop();
  }
}

function pct(xs: number[], q: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

async function main() {
  const sizes = quick ? (isDemo ? { poolSize: 5000, testSize: 1000 } : { poolSize: 6000, testSize: 1500 }) : {};
  const rows = loadRows(String(a.data), { ...sizes, seed: Number(a.seed) });
  log(
    `bench:loop ${isDemo ? `demo catalogue (seed ${a.seed})` : a.data}${quick ? " (quick)" : ""}: budget ${budget}, batch ${batch}, retrain every ${retrainEvery} labels, audit rate ${auditRate}, strategy ${strategy}, ${annotators} annotators, targets ${targets.join(", ")}, gold ${goldSource}, legacy labels ${legacyShare} (noise ${legacyNoise}), annotator error ${annotatorError}`,
  );
  const runs: TargetRun[] = [];
  for (const t of targets) runs.push(await runTarget(rows, t));
  const summary = {
    data: isDemo ? "demo" : String(a.data),
    seed: isDemo ? Number(a.seed) : null,
    quick,
    budget,
    batch,
    retrainEvery,
    auditRate,
    strategy,
    annotators,
    gold: goldSource,
    legacyLabels: legacyShare,
    legacyNoise,
    annotatorError,
    runs,
  };
  if (a.json) console.log(JSON.stringify(summary));
  else printSummary(runs);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
