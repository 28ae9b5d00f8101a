/**
 * `npm run bench:certify -- [--data demo|FILE] [--evidence 2000] [--train-labels N] [--seeds 20]
 *   [--targets 0.9,0.95,0.98] [--json]`
 *
 * Does the auto-accept certificate hold on data it has not seen? One model is trained on pool
 * labels (`--train-labels` of them, default all but four evidence samples' worth; 15% of those held out
 * of training to help fit the calibration, as a training run does). For each of
 * `--seeds` draws, a fresh random sample of `--evidence` pool items the model never saw plays
 * the part of the project's gold, and calibration and certification run on it by each method below, and the thresholds are applied to the
 * test split, which nothing has seen: realised precision under the target counts as a failure.
 * A 95% certificate should fail in at most ~5% of draws.
 *
 * Methods:
 *   - product: what training and recalibration run (ml/certified-calibration.ts): calibration fitted on the
 *     held-out training labels only, the threshold certified on all the evidence;
 *   - before: calibration fitted and thresholds certified on the same items, per-class or global
 *     chosen by which accepts more (the method before this benchmark existed).
 */
import { parseArgs } from "node:util";
import * as ml from "@/ml";
import { calibrateAndCertify, evidenceShare, type CertifiedCalibration } from "@/ml/certified-calibration";
import { CALIBRATION_SHARE } from "@/server/services/training";
import { createRng, permutation } from "@/ml/rng";
import { loadRows } from "./lib/loop-setup";
import { markdownTable } from "./lib/report";

const { values: a } = parseArgs({
  options: {
    data: { type: "string", default: "demo" },
    evidence: { type: "string", default: "2000" },
    "train-labels": { type: "string" },
    seeds: { type: "string", default: "20" },
    targets: { type: "string", default: "0.9,0.95,0.98" },
    "demo-test": { type: "string", default: "10000" },
    json: { type: "boolean", default: false },
  },
});
const log = (s: string) => process.stderr.write(`[bench:certify] ${s}\n`);
const targets = a.targets!.split(",").map(Number);
const SEEDS = Number(a.seeds);
const top = (p: ml.Prediction) => p.top[0]?.classIndex ?? -1;

type Split = { inputs: ml.TextInput[]; labels: number[] };
type Method = "product" | "before";
const METHODS: Method[] = ["product", "before"];

function dataset() {
  const rows = loadRows(a.data!, a.data === "demo" ? { testSize: Number(a["demo-test"]) } : {});
  const cats = [...new Set(rows.map((r) => r.category))].sort();
  const index = new Map(cats.map((c, i) => [c, i]));
  const pool: Split = { inputs: [], labels: [] };
  const test: Split = { inputs: [], labels: [] };
  for (const r of rows) {
    const part = r.split === "test" ? test : pool;
    part.inputs.push({ title: r.title, description: r.description, attributes: r.attributes as never });
    part.labels.push(index.get(r.category)!);
  }
  return { pool, test, numClasses: cats.length };
}

const pick = (s: Split, idx: ArrayLike<number>): Split => ({
  inputs: Array.from(idx, (i) => s.inputs[i]!),
  labels: Array.from(idx, (i) => s.labels[i]!),
});

/**
 * The method before: calibration fitted on the hold-out and all the evidence, thresholds certified on that same
 * evidence, per-class or global kept by which accepts more.
 */
function before(
  logits: Float32Array,
  labels: number[],
  k: number,
  target: number,
  extra: { logits: Float32Array; labels: number[] },
): CertifiedCalibration {
  const all = new Float32Array(logits.length + extra.logits.length);
  all.set(logits);
  all.set(extra.logits, logits.length);
  const calibration = ml.fitBestCalibration({
    logits: all,
    labels: [...labels, ...extra.labels],
    numClasses: k,
  }).calibration;
  const preds = ml.predictionsFromLogitArray(logits, k, calibration);
  const thresholds = ml.selectThresholds({
    confidences: preds.map((p) => p.confidence),
    predicted: preds.map(top),
    correct: preds.map((p, i) => top(p) === labels[i]),
    numClasses: k,
    targetPrecision: target,
  });
  return { calibration, thresholds, fitted: labels.length + extra.labels.length, certifiedOn: labels.length };
}

function onTest(c: CertifiedCalibration, testLogits: Float32Array, test: Split, k: number) {
  const preds = ml.predictionsFromLogitArray(testLogits, k, c.calibration);
  let accepted = 0;
  let right = 0;
  preds.forEach((p, i) => {
    if (!ml.isAutoAccepted(p, c.thresholds)) return;
    accepted++;
    if (top(p) === test.labels[i]) right++;
  });
  const conf = preds.map((p) => p.confidence);
  const correct = preds.map((p, i) => top(p) === test.labels[i]);
  return {
    coverage: accepted / preds.length,
    precision: accepted ? right / accepted : null,
    ece: ml.expectedCalibrationError(conf, correct),
    oracle: (target: number) => ml.oracleCoverage(conf, correct, target).oracleCoverage,
  };
}

async function main() {
  await ml.initBackend();
  const d = dataset();
  const k = d.numClasses;
  const perm = permutation(d.pool.labels.length, createRng(12345));
  const nEvidence = Number(a.evidence);
  const nTrain = a["train-labels"] ? Number(a["train-labels"]) : d.pool.labels.length - 4 * nEvidence;
  const train = pick(d.pool, perm.subarray(0, nTrain));
  // Each draw's evidence is a fresh random sample of the pool items the model never saw.
  const reservoir = pick(d.pool, perm.subarray(nTrain));
  if (reservoir.labels.length < 2 * nEvidence) throw new Error("--evidence: too few pool items left beside training");
  log(
    `${a.data}: ${k} classes; training on ${train.labels.length} pool labels; evidence ${nEvidence} drawn per seed from ${reservoir.labels.length} unseen pool items; test ${d.test.labels.length}`,
  );
  // As a training run does: a fixed 15% of the labels is held out of training to help fit the calibration.
  const held = (i: number) => evidenceShare(i + 1, 77) < CALIBRATION_SHARE;
  const fitOnly = pick(train, train.labels.map((_, i) => i).filter(held));
  const trainOn = pick(
    train,
    train.labels.map((_, i) => i).filter((i) => !held(i)),
  );
  const model = await ml.trainModel({ ...trainOn, numClasses: k }, { seed: 1 });
  const fitExtra = { logits: model.logits(fitOnly.inputs), labels: fitOnly.labels };
  const resLogits = model.logits(reservoir.inputs);
  const testLogits = model.logits(d.test.inputs);
  const raw = ml.predictionsFromLogitArray(testLogits, k, { method: "none", temperature: 1 });
  const accuracy = raw.filter((p, i) => top(p) === d.test.labels[i]).length / raw.length;
  log(
    `model: test accuracy ${(100 * accuracy).toFixed(1)}%; ${fitOnly.labels.length} held-out labels help fit calibrations`,
  );

  type Acc = { fail: number; coverage: number[]; precision: number[]; oracle: number[]; ece: number[]; runs: number };
  const acc = new Map<string, Acc>();
  const slot = (m: Method, t: number) => {
    const key = `${m}@${t}`;
    if (!acc.has(key)) acc.set(key, { fail: 0, coverage: [], precision: [], oracle: [], ece: [], runs: 0 });
    return acc.get(key)!;
  };
  for (let s = 1; s <= SEEDS; s++) {
    const order = permutation(reservoir.labels.length, createRng(1000 + s)).subarray(0, nEvidence);
    const lg = new Float32Array(nEvidence * k);
    order.forEach((from, to) => lg.set(resLogits.subarray(from * k, (from + 1) * k), to * k));
    const labels = Array.from(order, (i) => reservoir.labels[i]!);
    for (const t of targets) {
      const runs: Record<Method, CertifiedCalibration> = {
        product: calibrateAndCertify({ logits: lg, labels, numClasses: k, targetPrecision: t, fit: fitExtra }),
        before: before(lg, labels, k, t, fitExtra),
      };
      for (const m of METHODS) {
        const r = onTest(runs[m], testLogits, d.test, k);
        const x = slot(m, t);
        x.runs++;
        x.coverage.push(r.coverage);
        x.oracle.push(r.oracle(t));
        x.ece.push(r.ece);
        if (r.precision !== null) x.precision.push(r.precision);
        if (r.precision !== null && r.precision < t) x.fail++;
      }
    }
    log(`seed ${s}/${SEEDS} done`);
  }
  const mean = (v: number[]) => (v.length ? v.reduce((x, y) => x + y, 0) / v.length : NaN);
  const pc = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "–");
  const rows = [...acc].map(([key, x]) => {
    const [method, target] = key.split("@");
    return {
      method: method!,
      target: Number(target),
      draws: x.runs,
      failures: x.fail,
      failureRate: x.fail / x.runs,
      coverage: mean(x.coverage),
      oracle: mean(x.oracle),
      precision: mean(x.precision),
      minPrecision: Math.min(...x.precision),
      ece: mean(x.ece),
    };
  });
  console.log(
    markdownTable(
      ["method", "target", "failures", "coverage (test)", "oracle", "mean precision", "min precision", "ECE (test)"],
      rows.map((r) => [
        r.method,
        String(r.target),
        `${r.failures}/${r.draws}`,
        pc(r.coverage),
        pc(r.oracle),
        pc(r.precision),
        pc(r.minPrecision),
        r.ece.toFixed(3),
      ]),
    ),
  );
  if (a.json)
    console.log(JSON.stringify({ data: a.data, accuracy, evidence: nEvidence, train: train.labels.length, rows }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
