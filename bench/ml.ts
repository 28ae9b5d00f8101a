/**
 * bench:ml — train on the pool split, report on the test split of a JSONL file
 * in the shared data format. Figures, not a timed test. See bench/README.md.
 *
 *   npm run bench:ml -- --data FILE|demo [--category-depth N] [--min-class-size N] [--threads 1|2]
 *                       [--fasttext PATH [--fasttext-lr 0.5] [--fasttext-epochs N]] [--json]
 */
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import * as ml from "../ml/index";
import { createRng, permutation } from "../ml/rng";
import { buildDataset, readRows, type Dataset } from "./lib/data";
import { runFastText, type FastTextRun } from "./lib/fasttext";
import { runNaturalBayes } from "./lib/peer";
import { markdownTable, num, pct, peakRssMb } from "./lib/report";

const TARGETS = [0.9, 0.95, 0.98, 0.99];

const { values: args } = parseArgs({
  options: {
    data: { type: "string" },
    "category-depth": { type: "string", default: "0" },
    "min-class-size": { type: "string", default: "1" },
    "cal-fraction": { type: "string", default: "0.15" },
    "cross-fit": { type: "string", default: "5" },
    seed: { type: "string", default: "1" },
    stream: { type: "string", default: "0" },
    "skip-peer": { type: "boolean", default: false },
    threads: { type: "string", default: "1" },
    fasttext: { type: "string" },
    "fasttext-lr": { type: "string", default: "0.5" },
    "fasttext-epochs": { type: "string" },
    json: { type: "boolean", default: false },
  },
});
const log = (...a: unknown[]) => (args.json ? console.error(...a) : console.log(...a));

type Split = { inputs: ml.TextInput[]; labels: number[] };
const seed = Number(args.seed);

/** A random calibration split of the pool: the only labels thresholds are certified on. */
function splitPool(ds: Dataset, frac: number): { train: Split; cal: Split } {
  const perm = permutation(ds.pool.labels.length, createRng(seed + 1000));
  const nCal = Math.round(perm.length * frac);
  const pick = (idx: Int32Array): Split => ({
    inputs: Array.from(idx, (i) => ds.pool.inputs[i]!),
    labels: Array.from(idx, (i) => ds.pool.labels[i]!),
  });
  return { cal: pick(perm.subarray(0, nCal)), train: pick(perm.subarray(nCal)) };
}

async function timePredict(
  model: ml.TrainedModel,
  inputs: ml.TextInput[],
): Promise<{ preds: ml.Prediction[]; perSec: number }> {
  const t0 = performance.now();
  const preds = await model.predict(inputs);
  return { preds, perSec: inputs.length / ((performance.now() - t0) / 1000) };
}

type BackendFigures = {
  backend: string;
  trainItemsPerSec: number;
  trainSeconds: number;
  epochs: number;
  predictItemsPerSec: number;
  note: string;
};

/** Throughput on a secondary backend: 2 fixed epochs, no early stopping. */
async function throughputOn(backend: string, train: Split, test: Split, numClasses: number): Promise<BackendFigures> {
  await ml.initBackend(backend as ml.BackendPreference);
  const m = await ml.trainModel(
    { ...train, numClasses },
    { seed, epochs: 2, validationFraction: 0, engine: "reference" },
  );
  const p = await timePredict(m, test.inputs);
  m.dispose();
  return {
    backend,
    trainItemsPerSec: m.training.itemsPerSecond,
    trainSeconds: m.training.trainSeconds,
    epochs: 2,
    predictItemsPerSec: p.perSec,
    note: "throughput only (2 epochs)",
  };
}

type LevelFigures = { depth: number; labels: number; accuracy: number; oracleCoverage: Record<string, number> };

/**
 * Accuracy and oracle coverage per taxonomy level: at a level above the leaves the prediction is
 * the most likely ancestor (its probability the sum over its categories), at the leaves the top
 * category. The truth is the true category's path cut to the level.
 */
function levelFigures(preds: ml.Prediction[], test: Split, categories: string[], tax: ml.Taxonomy): LevelFigures[] {
  return tax.levels.map((level) => {
    const leaf = level.names.length === tax.numClasses;
    const guess = preds.map((p) => {
      if (leaf) return { path: categories[p.top[0]?.classIndex ?? -1] ?? "", prob: p.confidence };
      const a = p.ancestors?.find((x) => x.depth === level.depth);
      return { path: a?.path ?? "", prob: a?.prob ?? 0 };
    });
    const correct = guess.map((g, i) => g.path === ml.ancestorAt(categories[test.labels[i]!]!, level.depth));
    const conf = guess.map((g) => g.prob);
    return {
      depth: level.depth,
      labels: level.names.length,
      accuracy: correct.filter(Boolean).length / Math.max(1, correct.length),
      oracleCoverage: Object.fromEntries(
        TARGETS.map((t) => [String(t), ml.oracleCoverage(conf, correct, t).oracleCoverage]),
      ),
    };
  });
}

type EngineFigures = { engine: string; trainItemEpochsPerSec: number; predictItemsPerSec: number };

/**
 * The hot loops outside tfjs beside the tfjs way, same data, same run, one thread: training
 * (2 epochs, no validation, features hashed beforehand) and scoring of hashed items.
 */
async function engineComparison(train: Split, test: Split, numClasses: number): Promise<EngineFigures[]> {
  const cfg = ml.DEFAULT_FEATURES;
  const feats = ml.featurize(train.inputs, cfg);
  const testFeats = ml.featurize(Array.from({ length: 5 }, () => test.inputs).flat(), cfg);
  const out: EngineFigures[] = [];
  for (const engine of ["fast", "reference"] as const) {
    const t0 = performance.now();
    const m = await ml.trainOnFeatures(feats, train.labels, numClasses, cfg, {
      seed,
      epochs: 2,
      minSteps: 0,
      validationFraction: 0,
      engine,
    });
    const trainSeconds = (performance.now() - t0) / 1000;
    const predictEngine = engine === "fast" ? "auto" : "reference";
    m.predictFeatures(testFeats.offsets.length > 2000 ? firstRows(testFeats, 2000) : testFeats, {
      engine: predictEngine,
    });
    const t1 = performance.now();
    m.predictFeatures(testFeats, { engine: predictEngine });
    const predictSeconds = (performance.now() - t1) / 1000;
    out.push({
      engine: engine === "fast" ? "WebAssembly SIMD kernels" : "tfjs head (reference)",
      trainItemEpochsPerSec: (train.labels.length * 2) / trainSeconds,
      predictItemsPerSec: (testFeats.offsets.length - 1) / predictSeconds,
    });
    m.dispose();
  }
  return out;
}

function firstRows(b: ml.SparseBatch, n: number): ml.SparseBatch {
  const end = b.offsets[n] as number;
  return { offsets: b.offsets.subarray(0, n + 1), ids: b.ids.subarray(0, end), weights: b.weights.subarray(0, end) };
}

async function parallelThroughput(model: ml.TrainedModel, inputs: ml.TextInput[], workers: number): Promise<number> {
  const { bytes } = await ml.serializeModel(model);
  const scorer = await ml.createParallelScorer(bytes, { workers });
  try {
    await scorer.score(inputs.slice(0, 2000)); // warm-up
    const t0 = performance.now();
    await scorer.score(inputs);
    return inputs.length / ((performance.now() - t0) / 1000);
  } finally {
    await scorer.close();
  }
}

type TargetFigures = {
  target: number;
  mode: string;
  threshold: number | null;
  perClassThresholds: number;
  coverage: number;
  precision: number | null;
  oracleCoverage: number;
  oracleThreshold: number | null;
  reason?: string;
};

function thresholdFigures(
  calPreds: ml.Prediction[],
  cal: { labels: number[] },
  testPreds: ml.Prediction[],
  test: Split,
  numClasses: number,
): TargetFigures[] {
  const top = (p: ml.Prediction) => p.top[0]?.classIndex ?? -1;
  return TARGETS.map((target) => {
    const t = ml.selectThresholds({
      confidences: calPreds.map((p) => p.confidence),
      predicted: calPreds.map(top),
      correct: calPreds.map((p, i) => top(p) === cal.labels[i]),
      numClasses,
      targetPrecision: target,
    });
    let accepted = 0;
    let right = 0;
    testPreds.forEach((p, i) => {
      if (ml.isAutoAccepted(p, t)) {
        accepted++;
        if (top(p) === test.labels[i]) right++;
      }
    });
    const oracle = ml.oracleCoverage(
      testPreds.map((p) => p.confidence),
      testPreds.map((p, i) => top(p) === test.labels[i]),
      target,
    );
    return {
      target,
      mode: t.mode,
      threshold: t.global,
      perClassThresholds: t.perClassSource.filter((s) => s === "class").length,
      coverage: accepted / testPreds.length,
      precision: accepted ? right / accepted : null,
      oracleCoverage: oracle.oracleCoverage,
      oracleThreshold: oracle.oracleThreshold,
      reason: t.reason,
    };
  });
}

/** RSS over a stream of `n` items (cycling the test set), sampled at 10 checkpoints. */
async function streamMemory(model: ml.TrainedModel, inputs: ml.TextInput[], n: number) {
  const mb = () => Math.round(process.memoryUsage().rss / 2 ** 20);
  const tensors0 = tf.memory().numTensors;
  const checkpoints: { items: number; rssMb: number }[] = [{ items: 0, rssMb: mb() }];
  let done = 0;
  const t0 = performance.now();
  while (done < n) {
    const chunk = inputs.slice(0, Math.min(inputs.length, n - done));
    await model.predict(chunk, { withEmbedding: true });
    const before = done;
    done += chunk.length;
    if (Math.floor(done / (n / 10)) > Math.floor(before / (n / 10))) checkpoints.push({ items: done, rssMb: mb() });
  }
  return {
    items: n,
    seconds: (performance.now() - t0) / 1000,
    rssBeforeMb: checkpoints[0]!.rssMb,
    rssAfterMb: mb(),
    checkpoints,
    tensorsBefore: tensors0,
    tensorsAfter: tf.memory().numTensors,
  };
}

/**
 * Labels for calibration and certification: out-of-fold logits over the whole
 * pool (--cross-fit K ≥ 2, the deployed model trains on all of it), or a random
 * calibration split held out of training (--cross-fit 0).
 */
async function certificationSet(ds: Dataset, numClasses: number) {
  const k = Number(args["cross-fit"]);
  if (k >= 2) {
    log(`cross-fitting ${k} folds for out-of-fold calibration logits ...`);
    const cf = await ml.crossFitLogits({ ...ds.pool, numClasses }, k, { seed });
    return {
      train: ds.pool as Split,
      cal: { labels: ds.pool.labels },
      calLogits: async () => cf.logits,
      how: `${k}-fold out-of-fold logits over the whole pool (${cf.seconds.toFixed(0)} s)`,
    };
  }
  const { train, cal } = splitPool(ds, Number(args["cal-fraction"]));
  return {
    train,
    cal: { labels: cal.labels },
    calLogits: async (m: ml.TrainedModel) => m.logits(cal.inputs),
    how: `random ${args["cal-fraction"]} calibration split held out of training`,
  };
}

async function main(): Promise<void> {
  if (!args.data)
    throw new Error(
      "usage: npm run bench:ml -- --data FILE [--category-depth N] [--min-class-size N] [--cross-fit K] [--json]",
    );
  const ds = buildDataset(readRows(args.data), {
    categoryDepth: Number(args["category-depth"]),
    minClassSize: Number(args["min-class-size"]),
  });
  const numClasses = ds.categories.length;
  const backends = await ml.availableBackends();
  const primary = await ml.initBackend(backends[0] as ml.BackendPreference);
  const cs = await certificationSet(ds, numClasses);
  const { train, cal } = cs;
  const test: Split = ds.test;
  log(
    `data: ${args.data} — ${numClasses} classes, train ${train.labels.length}, calibration ${cal.labels.length} (${cs.how}), test ${test.labels.length}, dropped ${ds.dropped}`,
  );
  const threads = Number(args.threads);
  log(`training on ${primary}, ${threads} thread(s) ...`);
  const trainStart = performance.now();
  const model = await ml.trainModel(
    { ...train, numClasses },
    {
      seed,
      threads,
      onProgress: (p) => log(`  epoch ${p.epoch}/${p.epochs} loss ${p.loss.toFixed(3)} val acc ${pct(p.valAccuracy)}`),
    },
  );
  // End to end, hashing included (fastText's clock also covers reading and building its dictionary).
  const trainWallSeconds = (performance.now() - trainStart) / 1000;
  const raw = await timePredict(model, test.inputs);
  const calLogits = await cs.calLogits(model);
  const calib = ml.fitBestCalibration({ logits: calLogits, labels: cal.labels, numClasses, seed });
  model.setCalibration(calib.calibration);
  const taxonomy = ml.buildTaxonomy(ds.categories);
  const testPreds = await model.predict(test.inputs, { taxonomy });
  const levels = levelFigures(testPreds, test, ds.categories, taxonomy);
  const calPreds = ml.predictionsFromLogitArray(calLogits, numClasses, calib.calibration);
  const top = (p: ml.Prediction) => p.top[0]?.classIndex ?? -1;
  const evalAfter = ml.evaluate({
    predicted: testPreds.map(top),
    labels: test.labels,
    numClasses,
    confidences: testPreds.map((p) => p.confidence),
  });
  const eceBefore = ml.expectedCalibrationError(
    raw.preds.map((p) => p.confidence),
    raw.preds.map((p, i) => top(p) === test.labels[i]),
  );
  const targets = thresholdFigures(calPreds, cal, testPreds, test, numClasses);
  const tempOnly = ml.fitCalibration({
    logits: calLogits,
    labels: cal.labels,
    numClasses,
    method: "temperature",
  }).calibration;
  const testTemp = ml.predictionsFromLogitArray(model.logits(test.inputs), numClasses, tempOnly);
  const eceTemperatureOnly = ml.expectedCalibrationError(
    testTemp.map((p) => p.confidence),
    testTemp.map((p, i) => top(p) === test.labels[i]),
  );
  const perBackend: BackendFigures[] = [
    {
      backend: primary,
      trainItemsPerSec: model.training.itemsPerSecond,
      trainSeconds: model.training.trainSeconds,
      epochs: model.training.epochsRun,
      predictItemsPerSec: raw.perSec,
      note: "full training (early stopping)",
    },
  ];
  const big = Array.from({ length: 5 }, () => test.inputs).flat();
  const parallel = {
    workers: 2,
    itemsPerSec: await parallelThroughput(model, big, 2),
    singleThreadItemsPerSec: (await timePredict(model, big)).perSec,
  };
  const vsFastText = sideBySide({
    train,
    test,
    numClasses,
    model,
    trainWallSeconds,
    ours: evalAfter,
    predictItemsPerSec: parallel.singleThreadItemsPerSec,
    threads,
  });
  const stream = Number(args.stream) > 0 ? await streamMemory(model, test.inputs, Number(args.stream)) : null;
  for (const b of backends.slice(1)) perBackend.push(await throughputOn(b, train, test, numClasses));
  await ml.initBackend(primary as ml.BackendPreference);
  log("hot loops: SIMD kernels vs the tfjs way ...");
  const engines = await engineComparison(train, test, numClasses);
  await ml.initBackend(primary as ml.BackendPreference);
  const peer = args["skip-peer"] ? null : peerFigures(train, test, numClasses);
  report({
    ds,
    numClasses,
    train,
    cal,
    test,
    model,
    calib,
    eceBefore,
    eceTemperatureOnly,
    evalAfter,
    targets,
    perBackend,
    parallel,
    stream,
    peer,
    vsFastText,
    engines,
    levels,
    how: cs.how,
  });
}

type Side = { accuracy: number; macroF1: number; trainItemEpochsPerSec: number; predictItemsPerSec: number };
type SideBySide = {
  threads: number;
  ours: Side;
  fasttext: (Side & { run: Omit<FastTextRun, "predicted"> }) | null;
  ratios: { train: number; predict: number; accuracy: number } | null;
};

/** Ours beside the fastText CLI on the same split, features, dim, epochs and thread count. */
function sideBySide(a: {
  train: Split;
  test: Split;
  numClasses: number;
  model: ml.TrainedModel;
  trainWallSeconds: number;
  ours: ml.Evaluation;
  predictItemsPerSec: number;
  threads: number;
}): SideBySide {
  const t = a.model.training;
  const ours: Side = {
    accuracy: a.ours.accuracy,
    macroF1: a.ours.macroF1,
    trainItemEpochsPerSec: (t.items * t.epochsRun) / a.trainWallSeconds,
    predictItemsPerSec: a.predictItemsPerSec,
  };
  if (!args.fasttext) return { threads: a.threads, ours, fasttext: null, ratios: null };
  const epochs = Number(args["fasttext-epochs"] ?? t.epochsRun);
  log(`training fastText (${args.fasttext}), ${epochs} epochs, ${a.threads} thread(s) ...`);
  const run = runFastText(a.train, a.test, {
    bin: args.fasttext,
    dim: a.model.config.dim,
    epochs,
    lr: Number(args["fasttext-lr"]),
    buckets: a.model.config.features.buckets,
    threads: a.threads,
    seed,
    predictRepeat: 5,
  });
  const e = ml.evaluate({ predicted: run.predicted, labels: a.test.labels, numClasses: a.numClasses });
  const { predicted: _, ...figures } = run;
  const fasttext = {
    accuracy: e.accuracy,
    macroF1: e.macroF1,
    trainItemEpochsPerSec: run.trainItemEpochsPerSec,
    predictItemsPerSec: run.predictItemsPerSec,
    run: figures,
  };
  return {
    threads: a.threads,
    ours,
    fasttext,
    ratios: {
      train: ours.trainItemEpochsPerSec / fasttext.trainItemEpochsPerSec,
      predict: ours.predictItemsPerSec / fasttext.predictItemsPerSec,
      accuracy: ours.accuracy / fasttext.accuracy,
    },
  };
}

function peerFigures(train: Split, test: Split, numClasses: number) {
  log("training the npm peer ...");
  const text = (i: ml.TextInput) => `${i.title} ${i.description ?? ""}`;
  const r = runNaturalBayes({ texts: train.inputs.map(text), labels: train.labels }, { texts: test.inputs.map(text) });
  const e = ml.evaluate({ predicted: r.predicted, labels: test.labels, numClasses });
  return {
    name: r.name,
    accuracy: e.accuracy,
    macroF1: e.macroF1,
    trainSeconds: r.trainSeconds,
    predictItemsPerSec: test.labels.length / r.predictSeconds,
  };
}

type ReportArgs = {
  ds: Dataset;
  numClasses: number;
  train: Split;
  cal: { labels: number[] };
  test: Split;
  how: string;
  model: ml.TrainedModel;
  calib: ml.CalibrationChoice;
  eceBefore: number;
  eceTemperatureOnly: number;
  evalAfter: ml.Evaluation;
  targets: TargetFigures[];
  perBackend: BackendFigures[];
  parallel: { workers: number; itemsPerSec: number; singleThreadItemsPerSec: number };
  stream: Awaited<ReturnType<typeof streamMemory>> | null;
  peer: ReturnType<typeof peerFigures> | null;
  vsFastText: SideBySide;
  engines: EngineFigures[];
  levels: LevelFigures[];
};

function report(r: ReportArgs): void {
  const out = {
    data: args.data,
    classes: r.numClasses,
    trainItems: r.train.labels.length,
    calibrationItems: r.cal.labels.length,
    calibrationSet: r.how,
    testItems: r.test.labels.length,
    accuracy: r.evalAfter.accuracy,
    macroF1: r.evalAfter.macroF1,
    eceBefore: r.eceBefore,
    eceTemperatureOnly: r.eceTemperatureOnly,
    eceAfter: r.evalAfter.ece ?? null,
    calibration: { ...r.calib.calibration, bias: undefined, chosen: r.calib.chosen, heldOutEce: r.calib.heldOutEce },
    targets: r.targets,
    backends: r.perBackend,
    parallelScoring: r.parallel,
    stream: r.stream,
    peer: r.peer ? { ...r.peer, accuracyRatio: r.evalAfter.accuracy / r.peer.accuracy } : null,
    training: r.model.training,
    threads: r.vsFastText.threads,
    ours: r.vsFastText.ours,
    fasttext: r.vsFastText.fasttext,
    ratios: r.vsFastText.ratios,
    engines: r.engines,
    levels: r.levels,
    peakRssMb: peakRssMb(),
    loadAverage: loadavg(),
    tfjsNode: r.perBackend.some((b) => b.backend === "tensorflow") ? "installed" : "not installed (probed at run time)",
  };
  log(
    "\n" +
      markdownTable(
        ["metric", "value"],
        [
          ["test accuracy", pct(out.accuracy)],
          ["test macro-F1", pct(out.macroF1)],
          ["ECE before calibration (test)", out.eceBefore.toFixed(3)],
          ["ECE after temperature only (test)", out.eceTemperatureOnly.toFixed(3)],
          [`ECE after ${r.calib.chosen} (test)`, (out.eceAfter ?? NaN).toFixed(3)],
          ["temperature", r.calib.calibration.temperature.toFixed(3)],
          ["epochs run (best)", `${r.model.training.epochsRun} (${r.model.training.bestEpoch})`],
          [`scoring, ${r.parallel.workers} worker threads`, `${num(r.parallel.itemsPerSec)} items/s`],
          ["scoring, 1 thread (same batch)", `${num(r.parallel.singleThreadItemsPerSec)} items/s`],
          ["peak RSS", `${num(out.peakRssMb)} MB`],
          ["load average at the end (1/5/15 min)", out.loadAverage.map((x) => x.toFixed(1)).join(" / ")],
          ["@tensorflow/tfjs-node", out.tfjsNode],
          ...(r.stream
            ? [
                [
                  `stream of ${num(r.stream.items)} items`,
                  `${r.stream.seconds.toFixed(1)} s, RSS MB at each 10%: ${r.stream.checkpoints.map((c) => c.rssMb).join(" → ")}; tfjs tensors ${r.stream.tensorsBefore} → ${r.stream.tensorsAfter}`,
                ],
              ]
            : []),
          ...(out.peer
            ? [
                [
                  `peer: ${out.peer.name}`,
                  `accuracy ${pct(out.peer.accuracy)}, macro-F1 ${pct(out.peer.macroF1)}, train ${out.peer.trainSeconds.toFixed(1)} s, ${num(out.peer.predictItemsPerSec)} items/s`,
                ],
                ["accuracy ratio (ours / peer)", out.peer.accuracyRatio.toFixed(3)],
              ]
            : []),
        ],
      ),
  );
  log(
    "\n" +
      markdownTable(
        [
          "target precision",
          "coverage on test",
          "precision reached on test",
          "oracle coverage (test)",
          "gap (points)",
          "global threshold",
          "scheme kept (classes with own threshold)",
        ],
        r.targets.map((t) => [
          t.target,
          pct(t.coverage),
          pct(t.precision),
          pct(t.oracleCoverage),
          ((t.oracleCoverage - t.coverage) * 100).toFixed(1),
          t.threshold === null ? "none" : t.threshold.toFixed(4),
          `${t.mode} (${t.perClassThresholds})`,
        ]),
      ),
  );
  for (const t of r.targets) if (t.reason) log(`  target ${t.target}: ${t.reason}`);
  log(
    "\n" +
      markdownTable(
        ["backend", "train items/s", "train s (epochs)", "predict items/s (1 thread)", "note"],
        r.perBackend.map((b) => [
          b.backend,
          num(b.trainItemsPerSec),
          `${b.trainSeconds.toFixed(1)} (${b.epochs})`,
          num(b.predictItemsPerSec),
          b.note,
        ]),
      ),
  );
  log(
    "\nHot loops outside tfjs vs the tfjs way (same data, 1 thread; train: 2 epochs on hashed items; predict: hashed test ×5):\n" +
      markdownTable(
        ["engine", "train item-epochs/s", "predict items/s"],
        r.engines.map((e) => [e.engine, num(e.trainItemEpochsPerSec), num(e.predictItemsPerSec)]),
      ),
  );
  log(
    "\nPer taxonomy level (test; above the leaves the prediction is the most likely ancestor, its probability summed over its categories):\n" +
      markdownTable(
        ["level", "labels", "accuracy", ...TARGETS.map((t) => `oracle coverage @ ${t}`)],
        r.levels.map((l) => [
          l.depth,
          l.labels,
          pct(l.accuracy),
          ...TARGETS.map((t) => pct(l.oracleCoverage[String(t)])),
        ]),
      ),
  );
  logSideBySide(r.vsFastText);
  if (args.json) console.log(JSON.stringify(out));
}

function logSideBySide(v: SideBySide): void {
  const f = v.fasttext;
  const notRun = "not run (--fasttext PATH)";
  const ratio = (x: number | undefined) => (x === undefined ? "—" : x.toFixed(2));
  log(
    `\nSide by side with fastText, ${v.threads} thread(s) (ratios ours / fastText):\n` +
      markdownTable(
        ["figure", "ours", "fastText", "ratio"],
        [
          ["test accuracy", pct(v.ours.accuracy), f ? pct(f.accuracy) : notRun, ratio(v.ratios?.accuracy)],
          ["test macro-F1", pct(v.ours.macroF1), f ? pct(f.macroF1) : notRun, "—"],
          [
            "train item-epochs/s",
            num(v.ours.trainItemEpochsPerSec),
            f ? num(f.trainItemEpochsPerSec) : notRun,
            ratio(v.ratios?.train),
          ],
          [
            "predict items/s (1 thread)",
            num(v.ours.predictItemsPerSec),
            f ? num(f.predictItemsPerSec) : notRun,
            ratio(v.ratios?.predict),
          ],
        ],
      ),
  );
  if (f)
    log(
      `  fastText: dim ${f.run.settings.dim}, ${f.run.settings.epochs} epochs, lr ${f.run.settings.lr}, ${f.run.settings.buckets} buckets, train ${f.run.trainSeconds.toFixed(1)} s, model load ${f.run.loadSeconds.toFixed(2)} s (left out of predict)`,
    );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
