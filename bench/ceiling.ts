/**
 * `npm run bench:ceiling -- [--data demo|FILE] [--labels 2000] [--rounds 10] [--target 0.98[,0.95…]] [--self 0] [--json]`
 *
 * What limits automation at a precision target, without the database: the same
 * training, calibration and certification code the loop runs (training-evaluate),
 * on two models side by side —
 *   - loop replica: margin sampling from the pool in `--rounds` equal batches up to
 *     `--labels`, each version warm-started from the last (as the loop trains);
 *   - whole pool: every pool label (minus the calibration share), a random sample;
 * and, with `--self N`, N rounds of self-training of the replica on its own
 * auto-accepted pool items (certified at the first target). For each: gold accuracy, oracle coverage
 * (no bound), the evidence ceiling (largest top slice passing one 95% Wilson test,
 * chosen after looking), the certified coverage (fixed-sequence scan) and the share
 * of the pool it would auto-accept with its true precision.
 */
import { parseArgs } from "node:util";
import { initBackend, oracleCoverage, trainModel, type TrainedModel } from "@/ml";
import { certify, coverageAt, fitCalibration, scoreLabelled } from "@/ml/evaluate-labelled";
import { localScorer } from "@/ml/scorer";
import { CALIBRATION_SHARE } from "@/server/services/training";
import { itemShare, type LabelledItem } from "@/server/services/training";
import { singleTestCeiling } from "./lib/loop-measure";
import { loadRows } from "./lib/loop-setup";

const { values: a } = parseArgs({
  options: {
    data: { type: "string", default: "demo" },
    labels: { type: "string", default: "2000" },
    rounds: { type: "string", default: "10" },
    target: { type: "string", default: "0.98" },
    self: { type: "string", default: "0" },
    json: { type: "boolean", default: false },
  },
});
const targets = a.target!.split(",").map(Number);
const log = (s: string) => (a.json ? process.stderr.write(s + "\n") : console.log(s));

async function main() {
  await initBackend();
  const rows = loadRows(a.data!);
  const cats = [...new Set(rows.map((r) => r.category))].sort();
  const categoryIds = cats.map((_, i) => i + 1);
  const idOf = new Map(cats.map((c, i) => [c, i + 1]));
  const index = new Map(categoryIds.map((c, i) => [c, i]));
  const all = rows.map((r, i): LabelledItem => ({
    itemId: i + 1,
    input: { title: r.title, description: r.description, attributes: (r.attributes ?? {}) as Record<string, string> },
    categoryId: idOf.get(r.category)!,
  }));
  const pool = all.filter((_, i) => rows[i]!.split === "pool");
  const gold = all.filter((_, i) => rows[i]!.split !== "pool");
  const train = (items: LabelledItem[], seed: number, warmStart?: TrainedModel) =>
    trainModel(
      {
        inputs: items.map((r) => r.input),
        labels: items.map((r) => index.get(r.categoryId)!),
        numClasses: categoryIds.length,
      },
      { seed, warmStart },
    );
  const isCal = (r: LabelledItem) => itemShare(r.itemId, 1) < CALIBRATION_SHARE;

  /** Per target: calibration fitted once, certification and coverage per target. */
  const report = async (name: string, trained: TrainedModel, labelled: LabelledItem[]) => {
    const m = localScorer(trained);
    const cal = await fitCalibration(m, [...labelled.filter(isCal), ...gold], categoryIds);
    const scored = await scoreLabelled(m, cal, gold, categoryIds);
    const taken = new Set(labelled.map((r) => r.itemId));
    const rest = pool.filter((r) => !taken.has(r.itemId));
    const restScored = await scoreLabelled(m, cal, rest, categoryIds);
    const goldAccuracy = scored.filter((s) => s.correct).length / scored.length;
    const pc = (x: number | null) => (x === null ? "–" : `${(100 * x).toFixed(1)}%`);
    log(`${name}: ${labelled.length} labels, gold accuracy ${pc(goldAccuracy)}`);
    const figs = [];
    let thFirst = null as ReturnType<typeof certify> | null;
    for (const target of targets) {
      const th = certify(scored, categoryIds.length, target);
      thFirst ??= th;
      const onPool = coverageAt(restScored, th.perClass);
      const fig = {
        model: name,
        target,
        labels: labelled.length,
        goldAccuracy,
        oracle: oracleCoverage(
          scored.map((s) => s.confidence),
          scored.map((s) => s.correct),
          target,
        ).oracleCoverage,
        ceiling: singleTestCeiling(scored, target),
        certified: coverageAt(scored, th.perClass).coverage,
        autoOnPool: rest.length ? onPool.accepted / pool.length : null,
        autoTruePrecision: onPool.precision,
      };
      log(
        `  at ${target}: oracle ${pc(fig.oracle)}  ceiling ${pc(fig.ceiling)}  certified ${pc(fig.certified)}  auto on pool ${pc(fig.autoOnPool)} (true precision ${pc(fig.autoTruePrecision)})`,
      );
      figs.push(fig);
    }
    return { figs, th: thFirst!, restScored, rest };
  };

  const out: unknown[] = [];
  log(`${a.data}: ${pool.length} pool, ${gold.length} gold, ${cats.length} categories, targets ${targets.join(", ")}`);
  // Loop replica: margin sampling in equal batches, warm-started versions.
  const per = Math.round(Number(a.labels) / Number(a.rounds));
  const chosen = [...pool].sort((x, y) => itemShare(x.itemId, 7) - itemShare(y.itemId, 7)).slice(0, per);
  const taken = new Set(chosen.map((r) => r.itemId));
  let model: TrainedModel | undefined;
  for (let round = 1; round <= Number(a.rounds); round++) {
    if (round > 1) {
      const rest = pool.filter((r) => !taken.has(r.itemId));
      const preds = await model!.predict(
        rest.map((r) => r.input),
        { topK: 2 },
      );
      for (const [, i] of rest
        .map((_, i) => [preds[i]!.margin, i] as const)
        .sort((x, y) => x[0] - y[0])
        .slice(0, per)) {
        chosen.push(rest[i]!);
        taken.add(rest[i]!.itemId);
      }
    }
    const prev = model;
    model = await train(
      chosen.filter((r) => !isCal(r)),
      round,
      prev,
    );
    prev?.dispose();
  }
  let r = await report("loop replica (margin)", model!, chosen);
  out.push(...r.figs);
  for (let k = 1; k <= Number(a.self); k++) {
    const pseudo: LabelledItem[] = [];
    r.restScored.forEach((s, i) => {
      const t = r.th.perClass[s.predicted];
      if (t !== null && t !== undefined && s.confidence >= t)
        pseudo.push({ ...r.rest[i]!, categoryId: categoryIds[s.predicted]! });
    });
    const next = await train([...chosen.filter((x) => !isCal(x)), ...pseudo], 100 + k);
    model!.dispose();
    model = next;
    r = await report(`+ self-training ${k} (${pseudo.length})`, model, chosen);
    out.push(...r.figs);
  }
  model!.dispose();
  const whole = await train(
    pool.filter((x) => !isCal(x)),
    1,
  );
  out.push(...(await report("whole pool (random)", whole, pool)).figs);
  whole.dispose();
  if (a.json) console.log(JSON.stringify({ data: a.data, targets, results: out }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
