/**
 * bench:al — simulated annotation on the pool split (the true category is the
 * oracle): cold start, batches of --batch, retrain after each batch, up to
 * --budget labels, per strategy. Test accuracy learning curves; labels needed
 * vs random; coverage at 0.95/0.98 precision certified on a random audit sample.
 *
 *   npm run bench:al -- --data FILE|demo [--batch 100] [--budget 5000] [--quick] [--word-vectors SCALE] [--json]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import * as ml from "../ml/index";
import { featurize, selectRows, type SparseBatch } from "../ml/features";
import { createRng, permutation } from "../ml/rng";
import { resolveFeatureConfig } from "../ml/train";
import { buildDataset, readRows } from "./lib/data";
import { denseRows, loadWordVectors, vocabularyOf, type WordVectors } from "./lib/word-vectors";
import { markdownTable, pct, peakRssMb } from "./lib/report";
import { lineChartSvg } from "./lib/svg";
import { spawnTsWorker } from "./lib/ts-worker";

type WorkerJob = { argv: string[]; strategies: string[]; coldStart: number[] };
const job = isMainThread ? null : (workerData as WorkerJob);
const { values: args } = parseArgs({
  args: job ? job.argv : process.argv.slice(2),
  options: {
    data: { type: "string" },
    "category-depth": { type: "string", default: "0" },
    "min-class-size": { type: "string", default: "1" },
    batch: { type: "string" },
    budget: { type: "string" },
    audit: { type: "string" },
    strategies: { type: "string", default: "random,least_confidence,margin,entropy,margin+diversity" },
    seed: { type: "string", default: "1" },
    out: { type: "string", default: "bench/out" },
    workers: { type: "string", default: "2" },
    quick: { type: "boolean", default: false },
    "word-vectors": { type: "string" },
    json: { type: "boolean", default: false },
  },
});
const log = (...a: unknown[]) =>
  job ? parentPort?.postMessage({ log: a.join(" ") }) : args.json ? console.error(...a) : console.log(...a);
const quick = args.quick;
const BATCH = Number(args.batch ?? 100);
const BUDGET = Number(args.budget ?? (quick ? 1000 : 5000));
const AUDIT = Number(args.audit ?? 2000);
const SEED = Number(args.seed);
// Smaller tables and fewer minimum steps than the defaults keep 250 retrains inside
// the time limit; quick mode also scores a candidate subsample and part of test.
const TRAIN_OPTS: ml.TrainOptions = { seed: SEED, buckets: 1 << 17, dim: 48, epochs: 10, minSteps: quick ? 300 : 600 };
const MAX_CANDIDATES = quick ? 5000 : Infinity;
const TEST_LIMIT = quick ? 3000 : Infinity;
/** Quick mode trains the full-pool reference for 4 epochs only (a slightly low reference). */
const FULL_OPTS: ml.TrainOptions = quick ? { ...TRAIN_OPTS, epochs: 4 } : TRAIN_OPTS;

type Labelled = { feats: SparseBatch; labels: Int32Array };
type Ctx = {
  K: number;
  pool: Labelled & { inputs: ml.TextInput[] };
  test: Labelled & { inputs: ml.TextInput[] };
  audit: Labelled;
  wordVectors: WordVectors | null;
  cfg: ml.FeatureConfig;
};
type Row = {
  strategy: string;
  labels: number;
  accuracy: number;
  macroF1: number;
  cov95: number;
  prec95: number | null;
  cov98: number;
  prec98: number | null;
  seconds: number;
};

function load(): Ctx {
  if (!args.data) throw new Error("usage: npm run bench:al -- --data FILE [--batch N] [--budget N] [--quick] [--json]");
  const ds = buildDataset(readRows(args.data), {
    categoryDepth: Number(args["category-depth"]),
    minClassSize: Number(args["min-class-size"]),
  });
  const cfg = resolveFeatureConfig(TRAIN_OPTS);
  const perm = permutation(ds.pool.labels.length, createRng(SEED + 7));
  const auditIdx = perm.subarray(0, AUDIT);
  const poolIdx = perm.subarray(AUDIT);
  const testN = Math.min(ds.test.labels.length, TEST_LIMIT);
  const pick = <T>(arr: T[], idx: ArrayLike<number>) => Array.from(idx as ArrayLike<number>, (i) => arr[i] as T);
  const poolInputs = pick(ds.pool.inputs, poolIdx);
  const auditInputs = pick(ds.pool.inputs, auditIdx);
  const testInputs = ds.test.inputs.slice(0, testN);
  const ctx: Ctx = {
    K: ds.categories.length,
    cfg,
    pool: {
      inputs: poolInputs,
      feats: featurize(poolInputs, cfg),
      labels: Int32Array.from(pick(ds.pool.labels, poolIdx)),
    },
    audit: { feats: featurize(auditInputs, cfg), labels: Int32Array.from(pick(ds.pool.labels, auditIdx)) },
    test: {
      inputs: testInputs,
      feats: featurize(testInputs, cfg),
      labels: Int32Array.from(ds.test.labels.slice(0, testN)),
    },
    wordVectors: null,
  };
  if (args["word-vectors"] !== undefined) attachWordVectors(ctx, [poolInputs, auditInputs, testInputs]);
  return ctx;
}

/** The frozen pretrained-vector input (bench/lib/word-vectors.ts), added to every item's bag. */
function attachWordVectors(ctx: Ctx, inputs: ml.TextInput[][]): void {
  const scale = Number(args["word-vectors"]);
  const wv = loadWordVectors(vocabularyOf(inputs.flat()));
  ctx.wordVectors = wv;
  const dim = TRAIN_OPTS.dim ?? 64;
  const parts = [ctx.pool, ctx.audit, ctx.test];
  parts.forEach((p, i) => {
    const { dense, coverage } = denseRows(inputs[i] as ml.TextInput[], wv, dim, scale);
    p.feats.dense = dense;
    if (i === 0 && !job)
      log(`word vectors: scale ${scale}, ${wv.lookup.size} words known, ${pct(coverage)} of pool items have one`);
  });
}

const topOf = (p: ml.Prediction) => p.top[0]?.classIndex ?? -1;

/** Coverage and precision on test of thresholds certified on the random audit sample. */
function coverageAt(
  target: number,
  auditPreds: ml.Prediction[],
  audit: Labelled,
  testPreds: ml.Prediction[],
  test: Labelled,
  K: number,
) {
  const t = ml.selectThresholds({
    confidences: auditPreds.map((p) => p.confidence),
    predicted: auditPreds.map(topOf),
    correct: auditPreds.map((p, i) => topOf(p) === audit.labels[i]),
    numClasses: K,
    targetPrecision: target,
  });
  let acc = 0;
  let ok = 0;
  testPreds.forEach((p, i) => {
    if (ml.isAutoAccepted(p, t)) {
      acc++;
      if (topOf(p) === test.labels[i]) ok++;
    }
  });
  return { coverage: acc / testPreds.length, precision: acc ? ok / acc : null };
}

async function measure(
  ctx: Ctx,
  model: ml.TrainedModel,
  strategy: string,
  labels: number,
  seconds: number,
): Promise<Row> {
  const fit = ml.fitCalibration({
    logits: model.logitsFeatures(ctx.audit.feats),
    labels: ctx.audit.labels,
    numClasses: ctx.K,
    method: "temperature+isotonic",
  });
  model.setCalibration(fit.calibration);
  const testPreds = model.predictFeatures(ctx.test.feats, { topK: 1 });
  const auditPreds = model.predictFeatures(ctx.audit.feats, { topK: 1 });
  const e = ml.evaluate({ predicted: testPreds.map(topOf), labels: ctx.test.labels, numClasses: ctx.K });
  const c95 = coverageAt(0.95, auditPreds, ctx.audit, testPreds, ctx.test, ctx.K);
  const c98 = coverageAt(0.98, auditPreds, ctx.audit, testPreds, ctx.test, ctx.K);
  return {
    strategy,
    labels,
    accuracy: e.accuracy,
    macroF1: e.macroF1,
    cov95: c95.coverage,
    prec95: c95.precision,
    cov98: c98.coverage,
    prec98: c98.precision,
    seconds,
  };
}

/** Next batch from the unlabelled pool by the strategy (model predictions on cached features). */
function nextBatch(ctx: Ctx, model: ml.TrainedModel, strategy: string, unlabelled: number[], round: number): number[] {
  const rng = createRng(SEED * 1000 + round);
  let cands = unlabelled;
  if (cands.length > MAX_CANDIDATES)
    cands = Array.from(permutation(cands.length, rng).subarray(0, MAX_CANDIDATES), (i) => unlabelled[i] as number);
  const base = strategy.replace("+diversity", "") as ml.Strategy;
  const diversity = strategy.endsWith("+diversity");
  if (base === "random")
    return ml
      .selectForReview({
        candidates: cands.map((id) => ({ id, prediction: EMPTY })),
        strategy: "random",
        n: BATCH,
        seed: SEED + round,
      })
      .map((p) => p.id as number);
  const preds = model.predictFeatures(selectRows(ctx.pool.feats, cands), { topK: 2 });
  let candidates = cands.map((id, i) => ({ id, prediction: preds[i] as ml.Prediction }));
  if (diversity) {
    // Embeddings only for the most uncertain 10×batch: all the diversity step clusters.
    const top = ml.selectForReview({ candidates, strategy: base, n: BATCH * 10 }).map((p) => p.id as number);
    const withEmb = model.predictFeatures(selectRows(ctx.pool.feats, top), { topK: 2, withEmbedding: true });
    candidates = top.map((id, i) => ({ id, prediction: withEmb[i] as ml.Prediction }));
  }
  return ml
    .selectForReview({ candidates, strategy: base, n: BATCH, diversity, seed: SEED + round })
    .map((p) => p.id as number);
}
const EMPTY: ml.Prediction = { top: [], confidence: 0, margin: 0, entropy: 0 };

async function runStrategy(ctx: Ctx, strategy: string, coldStart: number[]): Promise<Row[]> {
  const rows: Row[] = [];
  const labelled = [...coldStart];
  const isLabelled = new Uint8Array(ctx.pool.labels.length);
  for (const i of labelled) isLabelled[i] = 1;
  for (let round = 0; ; round++) {
    const t0 = performance.now();
    const model = await ml.trainOnFeatures(
      selectRows(ctx.pool.feats, labelled),
      Int32Array.from(labelled, (i) => ctx.pool.labels[i] as number),
      ctx.K,
      ctx.cfg,
      TRAIN_OPTS,
    );
    const row = await measure(ctx, model, strategy, labelled.length, 0);
    if (labelled.length < BUDGET) {
      const unl: number[] = [];
      for (let i = 0; i < isLabelled.length; i++) if (!isLabelled[i]) unl.push(i);
      for (const i of nextBatch(ctx, model, strategy, unl, round).slice(0, BUDGET - labelled.length)) {
        labelled.push(i);
        isLabelled[i] = 1;
      }
    }
    model.dispose();
    row.seconds = (performance.now() - t0) / 1000;
    rows.push(row);
    if (round % 5 === 0 || row.labels >= BUDGET)
      log(
        `  ${strategy} ${row.labels} labels: acc ${pct(row.accuracy)} cov@.95 ${pct(row.cov95)} (${row.seconds.toFixed(1)} s/round)`,
      );
    if (row.labels >= BUDGET) return rows;
  }
}

/** First label count whose accuracy reaches `level`, or null. */
function labelsToReach(rows: Row[], level: number): number | null {
  return rows.find((r) => r.accuracy >= level)?.labels ?? null;
}

/** Runs strategies on worker threads (one list each) and gathers their curves. */
async function runOnWorkers(lists: string[][], coldStart: number[]): Promise<Record<string, Row[]>> {
  const results = await Promise.all(
    lists.map(
      (strategies) =>
        new Promise<Record<string, Row[]>>((resolve, reject) => {
          const w = spawnTsWorker(import.meta.url, {
            argv: process.argv.slice(2),
            strategies,
            coldStart,
          } satisfies WorkerJob);
          w.on("message", (m: { curves?: Record<string, Row[]>; log?: string }) =>
            m.log ? log(m.log) : m.curves && resolve(m.curves),
          );
          w.once("error", reject);
          w.once("exit", (code) => code !== 0 && reject(new Error(`al worker exited with ${code}`)));
        }),
    ),
  );
  return Object.assign({}, ...results) as Record<string, Row[]>;
}

/** Splits strategies over n lists, random first (it is the cheapest per round). */
function deal(strategies: string[], n: number): string[][] {
  const lists: string[][] = Array.from({ length: n }, () => []);
  strategies.forEach((s, i) => lists[i % n]!.push(s));
  return lists.filter((l) => l.length);
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const backend = await ml.initBackend();
  const ctx = load();
  log(
    `bench:al on ${backend}: pool ${ctx.pool.labels.length} (audit ${ctx.audit.labels.length} held out as random gold), test ${ctx.test.labels.length}, ${ctx.K} classes, batch ${BATCH}, budget ${BUDGET}${quick ? " (quick)" : ""}`,
  );
  const full = await ml.trainOnFeatures(ctx.pool.feats, ctx.pool.labels, ctx.K, ctx.cfg, FULL_OPTS);
  const fullRow = await measure(ctx, full, "full pool", ctx.pool.labels.length, full.training.trainSeconds);
  const scoring = scoringCost(ctx, full);
  full.dispose();
  log(`full pool (${ctx.pool.labels.length} labels): accuracy ${pct(fullRow.accuracy)}`);
  const items = ctx.pool.inputs.map((input, id) => ({ id, input }));
  const coldStart = ml.coldStartSample({ items, n: BATCH, seed: SEED, features: ctx.cfg }).map((p) => p.id as number);
  const strategies = args.strategies.split(",");
  const workers = Math.max(1, Number(args.workers));
  let curves: Record<string, Row[]> = {};
  if (workers > 1) curves = await runOnWorkers(deal(strategies, workers), coldStart);
  else for (const s of strategies) curves[s] = await runStrategy(ctx, s, coldStart);
  const ordered = Object.fromEntries(strategies.map((s) => [s, curves[s] ?? []]));
  summarise(ctx, ordered, fullRow, (performance.now() - t0) / 1000, scoring);
}

async function workerMain(j: WorkerJob): Promise<void> {
  await ml.initBackend();
  const ctx = load();
  const curves: Record<string, Row[]> = {};
  for (const s of j.strategies) curves[s] = await runStrategy(ctx, s, j.coldStart);
  parentPort?.postMessage({ curves });
}

/**
 * Scoring from text, hashing included, on the test items (×3): hashed n-grams alone, and with
 * the word-vector input (lookup, mean, projection) when it is on. Same model, same run.
 */
function scoringCost(ctx: Ctx, model: ml.TrainedModel) {
  const inputs = [ctx.test.inputs, ctx.test.inputs, ctx.test.inputs].flat();
  const time = (withVectors: boolean) => {
    const t0 = performance.now();
    const feats = featurize(inputs, ctx.cfg);
    if (withVectors && ctx.wordVectors)
      feats.dense = denseRows(inputs, ctx.wordVectors, TRAIN_OPTS.dim ?? 64, Number(args["word-vectors"])).dense;
    model.predictFeatures(feats, { topK: 3 });
    return inputs.length / ((performance.now() - t0) / 1000);
  };
  time(false);
  const hashedOnly = time(false);
  const withWordVectors = ctx.wordVectors ? time(true) : null;
  log(
    `scoring from text: ${hashedOnly.toFixed(0)} items/s hashed n-grams only` +
      (withWordVectors
        ? `, ${withWordVectors.toFixed(0)} items/s with word vectors (${((1 - withWordVectors / hashedOnly) * 100).toFixed(1)}% slower)`
        : ""),
  );
  return { hashedOnly, withWordVectors };
}

function summarise(
  ctx: Ctx,
  curves: Record<string, Row[]>,
  fullRow: Row,
  seconds: number,
  scoring: ReturnType<typeof scoringCost>,
): void {
  const random = curves.random ?? [];
  const randomFinal = random.at(-1)?.accuracy ?? NaN;
  const goal95 = 0.95 * fullRow.accuracy;
  const rRandomFull = labelsToReach(random, randomFinal);
  const r95 = labelsToReach(random, goal95);
  const summary = Object.entries(curves).map(([strategy, rows]) => {
    const toFull = labelsToReach(rows, randomFinal);
    const to95 = labelsToReach(rows, goal95);
    const last = rows.at(-1) as Row;
    return {
      strategy,
      finalAccuracy: last.accuracy,
      finalMacroF1: last.macroF1,
      labelsToRandomFinal: toFull,
      ratioToBudget: toFull ? toFull / BUDGET : null,
      ratioToRandomFinal: toFull && rRandomFull ? toFull / rRandomFull : null,
      labelsTo95OfFull: to95,
      ratioTo95OfFull: to95 && r95 ? to95 / r95 : null,
      cov95: last.cov95,
      prec95: last.prec95,
      cov98: last.cov98,
      prec98: last.prec98,
    };
  });
  mkdirSync(args.out, { recursive: true });
  const all = Object.values(curves).flat();
  writeFileSync(
    `${args.out}/al.csv`,
    [
      "strategy,labels,accuracy,macro_f1,coverage_at_0.95,precision_at_0.95,coverage_at_0.98,precision_at_0.98,round_seconds",
      ...all.map((r) =>
        [
          r.strategy,
          r.labels,
          r.accuracy,
          r.macroF1,
          r.cov95,
          r.prec95 ?? "",
          r.cov98,
          r.prec98 ?? "",
          r.seconds.toFixed(2),
        ].join(","),
      ),
    ].join("\n") + "\n",
  );
  const series = Object.entries(curves).map(([name, rows]) => ({
    name,
    points: rows.map((r) => ({ x: r.labels, y: r.accuracy })),
  }));
  writeFileSync(
    `${args.out}/al.svg`,
    lineChartSvg({
      title: `Active learning: test accuracy vs labels (${args.data?.split("/").slice(-2).join("/")})`,
      xLabel: "labels",
      yLabel: "test accuracy",
      series,
      hLines: [
        { y: fullRow.accuracy, label: `full pool ${pct(fullRow.accuracy)}` },
        { y: goal95, label: "95% of full pool" },
      ],
    }),
  );
  log(
    `\nfull-pool accuracy ${pct(fullRow.accuracy)} (95% of it: ${pct(goal95)}); random's accuracy at ${BUDGET} labels: ${pct(randomFinal)}`,
  );
  log(
    markdownTable(
      [
        "strategy",
        `accuracy @ ${BUDGET}`,
        `macro-F1 @ ${BUDGET}`,
        "labels to match random's final",
        `ratio to random's ${BUDGET}`,
        "ratio to random's first crossing",
        "labels to 95% of full pool",
        "ratio to random",
        "coverage @ 0.95 (precision)",
        "coverage @ 0.98 (precision)",
      ],
      summary.map((s) => [
        s.strategy,
        pct(s.finalAccuracy),
        pct(s.finalMacroF1),
        s.labelsToRandomFinal ?? `not within ${BUDGET}`,
        s.ratioToBudget?.toFixed(2) ?? "—",
        s.ratioToRandomFinal?.toFixed(2) ?? "—",
        s.labelsTo95OfFull ?? `not within ${BUDGET}`,
        s.ratioTo95OfFull?.toFixed(2) ?? "—",
        `${pct(s.cov95)} (${pct(s.prec95)})`,
        `${pct(s.cov98)} (${pct(s.prec98)})`,
      ]),
    ),
  );
  const curveLabels = [...new Set(all.map((r) => r.labels))].filter(
    (l) => l % (BATCH * 5) === 0 || l === BUDGET || l === BATCH,
  );
  log(
    "\n" +
      markdownTable(
        ["labels", ...Object.keys(curves)],
        curveLabels.map((l) => [
          l,
          ...Object.values(curves).map((rows) => pct(rows.find((r) => r.labels === l)?.accuracy)),
        ]),
      ),
  );
  log(
    `\nwrote ${args.out}/al.csv and ${args.out}/al.svg; ${seconds.toFixed(0)} s total, peak RSS ${peakRssMb().toFixed(0)} MB, load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}`,
  );
  if (args.json)
    console.log(
      JSON.stringify({
        data: args.data,
        batch: BATCH,
        budget: BUDGET,
        quick,
        fullPoolAccuracy: fullRow.accuracy,
        wordVectors: args["word-vectors"] === undefined ? null : Number(args["word-vectors"]),
        scoringItemsPerSec: scoring,
        randomFinalAccuracy: randomFinal,
        summary,
        curves,
        seconds,
        peakRssMb: peakRssMb(),
      }),
    );
}

(job ? workerMain(job) : main()).catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
