/**
 * bench:label-errors — how well the label-error detector finds wrong labels. Flips a
 * share of the pool labels (known noise), runs the detector's ml part exactly as the
 * labelErrors job does (`crossFitLabelErrors`: 5-fold out-of-fold probabilities with the
 * training defaults, then confident learning), and reports precision and recall of its
 * flags against the flipped set, plus test accuracy of a model trained on every pool
 * label vs one trained without the flagged items.
 *
 *   npm run bench:label-errors -- --data FILE|demo [--noise 0.1] [--noise-kind uniform|sibling] [--seed N] [--json]
 *
 * With --noise 0 it lists the top 30 flags: the file's own suspected errors.
 */
import { parseArgs } from "node:util";
import * as ml from "../ml/index";
import { createRng, permutation } from "../ml/rng";
import { generateCatalogue } from "../server/demo/catalogue";
import { readJsonl } from "./lib/data";
import { markdownTable, num, pct, peakRssMb } from "./lib/report";

const { values: args } = parseArgs({
  options: {
    data: { type: "string" },
    noise: { type: "string", default: "0.1" },
    "noise-kind": { type: "string", default: "uniform" },
    seed: { type: "string", default: "1" },
    /** Max epochs per training (default: the product's). */
    epochs: { type: "string" },
    top: { type: "string", default: "30" },
    json: { type: "boolean", default: false },
  },
});
const log = (...a: unknown[]) => (args.json ? console.error(...a) : console.log(...a));
const seed = Number(args.seed);
const noise = Number(args.noise);
const noiseKind = args["noise-kind"] === "sibling" ? "sibling" : "uniform";
const epochs = args.epochs ? Number(args.epochs) : undefined;

type Part = { titles: string[]; inputs: ml.TextInput[]; labels: number[] };
type Data = { categories: string[]; pool: Part; test: Part };

/** Attribute values as the product's training snapshot gives them (strings). */
function textAttributes(a: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a ?? {})) if (v != null) out[k] = typeof v === "string" ? v : JSON.stringify(v);
  return out;
}

function loadData(data: string): Data {
  const rows =
    data === "demo"
      ? generateCatalogue({ seed: 42 }).items
      : readJsonl(data).map((r) => ({ ...r, attributes: {} as Record<string, unknown> }));
  const categories = [...new Set(rows.map((r) => r.category))].sort();
  const index = new Map(categories.map((c, i) => [c, i]));
  const part = (): Part => ({ titles: [], inputs: [], labels: [] });
  const out: Data = { categories, pool: part(), test: part() };
  for (const r of rows) {
    const p = r.split === "test" ? out.test : out.pool;
    p.titles.push(r.title);
    p.inputs.push({ title: r.title, description: r.description, attributes: textAttributes(r.attributes) });
    p.labels.push(index.get(r.category)!);
  }
  return out;
}

/**
 * Flips round(rate × n) labels, chosen at random: to any other class (uniform), or to
 * another class under the same top-level path segment when there is one (sibling).
 */
function flipLabels(labels: number[], categories: string[], rate: number, kind: "uniform" | "sibling") {
  const rng = createRng(seed + 9001);
  const top = categories.map((c) => c.split(" > ")[0]!);
  const siblings = categories.map((_, i) => categories.flatMap((_, j) => (j !== i && top[j] === top[i] ? [j] : [])));
  const noisy = labels.slice();
  const flipped = new Set<number>();
  const n = Math.round(rate * labels.length);
  for (const i of permutation(labels.length, rng).subarray(0, n)) {
    const y = labels[i]!;
    const pool = kind === "sibling" && siblings[y]!.length > 0 ? siblings[y]! : null;
    let to = pool ? pool[Math.floor(rng() * pool.length)]! : Math.floor(rng() * (categories.length - 1));
    if (!pool && to >= y) to++;
    noisy[i] = to;
    flipped.add(i);
  }
  return { noisy, flipped };
}

async function testAccuracy(pool: Part, labels: number[], keep: (i: number) => boolean, test: Part, k: number) {
  const idx = labels.flatMap((_, i) => (keep(i) ? [i] : []));
  const model = await ml.trainModel(
    { inputs: idx.map((i) => pool.inputs[i]!), labels: idx.map((i) => labels[i]!), numClasses: k },
    { seed, epochs },
  );
  try {
    const logits = model.logits(test.inputs);
    let right = 0;
    for (let i = 0; i < test.labels.length; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (logits[i * k + j]! > logits[i * k + best]!) best = j;
      if (best === test.labels[i]) right++;
    }
    return { accuracy: right / Math.max(1, test.labels.length), trained: idx.length };
  } finally {
    model.dispose();
  }
}

async function main(): Promise<void> {
  if (!args.data) throw new Error("usage: npm run bench:label-errors -- --data FILE|demo [--noise 0.1] [--json]");
  const t0 = performance.now();
  const backend = await ml.initBackend();
  const d = loadData(args.data);
  const k = d.categories.length;
  const { noisy, flipped } = flipLabels(d.pool.labels, d.categories, noise, noiseKind);
  log(
    `data: ${args.data} — ${k} classes, pool ${d.pool.labels.length}, test ${d.test.labels.length}; ` +
      `${flipped.size} pool labels flipped (${noiseKind}, ${noise}); backend ${backend}`,
  );
  log("cross-fitting 5 folds and applying confident learning ...");
  const run = await ml.crossFitLabelErrors(
    { inputs: d.pool.inputs, labels: noisy, numClasses: k },
    { seed, epochs, onProgress: (p) => log(`  fold ${p.epoch}/${p.epochs} done`) },
  );
  const hit = run.flags.filter((f) => flipped.has(f.index));
  const precision = run.flags.length ? hit.length / run.flags.length : null;
  const recall = flipped.size ? hit.length / flipped.size : null;
  // The classic confident-joint rule on the same probabilities, for comparison.
  const classic = ml.confidentJointFlags({ probabilities: run.probabilities, labels: noisy, numClasses: k });
  const classicHit = classic.filter((f) => flipped.has(f.index)).length;
  const classicRule = {
    flagged: classic.length,
    precision: classic.length ? classicHit / classic.length : null,
    recall: flipped.size ? classicHit / flipped.size : null,
  };
  // Among the flipped items found, how often the suggestion is the original label.
  const suggestedRight = hit.length
    ? hit.filter((f) => f.suggested === d.pool.labels[f.index]).length / hit.length
    : null;
  log("training on all pool labels, then without the flagged items ...");
  const flaggedSet = new Set(run.flags.map((f) => f.index));
  const all = await testAccuracy(d.pool, noisy, () => true, d.test, k);
  const without = await testAccuracy(d.pool, noisy, (i) => !flaggedSet.has(i), d.test, k);
  const seconds = (performance.now() - t0) / 1000;
  const out = {
    data: args.data,
    classes: k,
    pool: d.pool.labels.length,
    test: d.test.labels.length,
    noise,
    noiseKind,
    seed,
    flipped: flipped.size,
    flagged: run.flags.length,
    truePositives: hit.length,
    precision,
    recall,
    suggestedRight,
    classicRule,
    accuracyAll: all.accuracy,
    accuracyWithoutFlags: without.accuracy,
    trainedWithoutFlags: without.trained,
    detectSeconds: run.seconds,
    seconds,
    peakRssMb: Math.round(peakRssMb()),
    backend,
  };
  log(
    markdownTable(
      ["figure", "value"],
      [
        ["flipped pool labels", `${num(flipped.size)} (${noiseKind}, ${pct(noise)})`],
        ["flagged", num(run.flags.length)],
        ["precision (flags that were flipped)", pct(precision)],
        ["recall (flipped that were flagged)", pct(recall)],
        ["suggestion = original label (found flips)", pct(suggestedRight)],
        [
          "classic confident-joint rule: flagged, precision, recall",
          `${num(classic.length)}, ${pct(classicRule.precision)}, ${pct(classicRule.recall)}`,
        ],
        ["test accuracy, trained on all pool labels", pct(all.accuracy)],
        [`test accuracy, flagged left out (${num(without.trained)} items)`, pct(without.accuracy)],
        ["detector time (5-fold cross-fit + confident learning)", `${run.seconds.toFixed(1)} s`],
        ["whole run", `${seconds.toFixed(1)} s`],
      ],
    ),
  );
  if (noise === 0) {
    log(`\ntop ${args.top} flags:`);
    log(
      markdownTable(
        ["title", "given", "suggested", "score"],
        run.flags
          .slice(0, Number(args.top))
          .map((f) => [
            d.pool.titles[f.index]!,
            d.categories[noisy[f.index]!]!,
            d.categories[f.suggested]!,
            f.score.toFixed(3),
          ]),
      ),
    );
  }
  if (args.json) console.log(JSON.stringify(out));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
