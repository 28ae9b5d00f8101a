import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { demoSplits } from "./__tests__/demo-splits";
import { initBackend } from "./backend";
import { calibrateModel } from "./calibrate-model";
import { evaluate } from "./evaluate";
import type { TrainedModel } from "./model";
import { crossFitLogits } from "./cross-fit";
import { createParallelScorer } from "./parallel-scorer";
import { deserializeModel, serializeModel } from "./serialize";
import { selectThresholds } from "./thresholds";
import { trainModel } from "./train";

// Small tables and few epochs keep the suite fast; accuracy bars are far above chance, not tuned figures.
const FAST = { buckets: 1 << 15, dim: 24, epochs: 4, seed: 3, minSteps: 0 };

const demoData = () => demoSplits({ seed: 11, poolSize: 4000, testSize: 800 });

let demo: ReturnType<typeof demoData>;
let model: TrainedModel;
const progress: number[] = [];

beforeAll(async () => {
  await initBackend();
  demo = demoData();
  model = await trainModel(
    { ...demo.train, numClasses: demo.numClasses },
    { ...FAST, onProgress: (p) => progress.push(p.epoch) },
  );
});

describe("trainModel / predict on the demo catalogue", () => {
  it("learns well above chance and reports its training", async () => {
    const preds = await model.predict(demo.test.inputs, { topK: 3 });
    const e = evaluate({
      predicted: preds.map((p) => p.top[0]?.classIndex ?? -1),
      labels: demo.test.labels,
      numClasses: demo.numClasses,
    });
    const majority =
      Math.max(...Array.from({ length: demo.numClasses }, (_, c) => demo.test.labels.filter((y) => y === c).length)) /
      demo.test.labels.length;
    expect(e.accuracy).toBeGreaterThan(Math.max(0.6, 3 * majority));
    expect(progress.length).toBeGreaterThan(0);
    expect(model.training.backend).toBe(tf.getBackend());
    expect(model.training.items + model.training.validationItems).toBe(demo.train.labels.length);
    const p = preds[0];
    expect(p?.top).toHaveLength(3);
    expect(p!.top[0]!.prob).toBeGreaterThanOrEqual(p!.top[1]!.prob);
    expect(p!.margin).toBeCloseTo(p!.top[0]!.prob - p!.top[1]!.prob, 6);
    expect(p!.entropy).toBeGreaterThanOrEqual(0);
  });

  it("is deterministic under a seed", async () => {
    const again = await trainModel(
      { inputs: demo.train.inputs.slice(0, 800), labels: demo.train.labels.slice(0, 800), numClasses: demo.numClasses },
      { ...FAST, epochs: 2 },
    );
    const twice = await trainModel(
      { inputs: demo.train.inputs.slice(0, 800), labels: demo.train.labels.slice(0, 800), numClasses: demo.numClasses },
      { ...FAST, epochs: 2 },
    );
    const a = await again.predict(demo.test.inputs.slice(0, 50));
    const b = await twice.predict(demo.test.inputs.slice(0, 50));
    expect(a.map((p) => p.confidence)).toEqual(b.map((p) => p.confidence));
    again.dispose();
    twice.dispose();
  });

  it("keeps tensor memory flat over repeated scoring", async () => {
    await model.predict(demo.test.inputs.slice(0, 100), { withEmbedding: true });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) await model.predict(demo.test.inputs, { batchSize: 256, withEmbedding: true });
    expect(tf.memory().numTensors).toBe(before);
  });

  it("warm-starts from a previous version with the same categories", async () => {
    const warm = await trainModel(
      { ...demo.train, numClasses: demo.numClasses },
      { ...FAST, epochs: 1, warmStart: model },
    );
    expect(warm.training.warmStarted).toBe(true);
    const cold = await trainModel(
      { ...demo.train, numClasses: demo.numClasses + 1 },
      { ...FAST, epochs: 1, warmStart: model },
    );
    expect(cold.training.warmStarted).toBe(false);
    warm.dispose();
    cold.dispose();
  });

  it("cross-fits out-of-fold logits that are honest (below in-sample accuracy, far above chance)", async () => {
    const sub = {
      inputs: demo.train.inputs.slice(0, 1200),
      labels: demo.train.labels.slice(0, 1200),
      numClasses: demo.numClasses,
    };
    const { logits } = await crossFitLogits(sub, 3, { ...FAST, epochs: 3 });
    const argmax = (row: number) => {
      let best = 0;
      for (let c = 1; c < demo.numClasses; c++)
        if (logits[row * demo.numClasses + c]! > logits[row * demo.numClasses + best]!) best = c;
      return best;
    };
    const oof = sub.labels.filter((y, i) => argmax(i) === y).length / sub.labels.length;
    const inSample = await trainModel(sub, { ...FAST, epochs: 3 });
    const fitted =
      (await inSample.predict(sub.inputs)).filter((p, i) => p.top[0]?.classIndex === sub.labels[i]).length /
      sub.labels.length;
    inSample.dispose();
    expect(oof).toBeGreaterThan(0.3);
    expect(oof).toBeLessThan(fitted);
  });

  it("stops when aborted", async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(
      trainModel({ ...demo.train, numClasses: demo.numClasses }, { ...FAST, signal: ac.signal }),
    ).rejects.toThrow();
  });
});

describe("serialisation", () => {
  it("round-trips to the same predictions, bit for bit", async () => {
    const fit = calibrateModel(model, demo.test);
    const preds0 = await model.predict(demo.test.inputs);
    model.setThresholds(
      selectThresholds({
        confidences: preds0.map((p) => p.confidence),
        predicted: preds0.map((p) => p.top[0]!.classIndex),
        correct: preds0.map((p, i) => p.top[0]!.classIndex === demo.test.labels[i]),
        numClasses: demo.numClasses,
        targetPrecision: 0.9,
      }),
    );
    const { bytes, sha256 } = await serializeModel(model);
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    const back = await deserializeModel(bytes, sha256);
    expect(back.calibration).toEqual(fit.calibration);
    expect(back.thresholds).toEqual(model.thresholds);
    expect(back.training).toEqual(model.training);
    const a = await model.predict(demo.test.inputs, { withEmbedding: true });
    const b = await back.predict(demo.test.inputs, { withEmbedding: true });
    expect(b).toEqual(a);
    const again = await serializeModel(back);
    expect(again.sha256).toBe(sha256);
    back.dispose();
  });

  it("rejects a wrong sha256 and corrupt blobs with clear errors", async () => {
    const { bytes, sha256 } = await serializeModel(model);
    await expect(deserializeModel(bytes, "0".repeat(64))).rejects.toThrow(/sha256 mismatch/);
    await expect(deserializeModel(bytes.slice(0, bytes.length - 10))).rejects.toThrow(/truncated|corrupt/);
    const bad = bytes.slice();
    bad[0] = 0;
    await expect(deserializeModel(bad)).rejects.toThrow(/magic/);
    const flipped = bytes.slice();
    flipped[20] = flipped[20]! ^ 0xff;
    await expect(deserializeModel(flipped, sha256)).rejects.toThrow(/sha256/);
  });

  it("scores the same on worker threads", async () => {
    const { bytes } = await serializeModel(model);
    const scorer = await createParallelScorer(bytes, { workers: 2, chunkSize: 200 });
    try {
      const par = await scorer.score(demo.test.inputs);
      const seq = await model.predict(demo.test.inputs);
      expect(par).toEqual(seq);
    } finally {
      await scorer.close();
    }
  });
});

const INSTACART =
  process.env.LOUPE_INSTACART ?? path.resolve(__dirname, "../../shared/data/instacart-products/products.jsonl");
const haveInstacart = existsSync(INSTACART);
if (!haveInstacart && process.env.CI === "true")
  throw new Error(`CI=true but the instacart data is missing: ${INSTACART}`);
if (!haveInstacart) console.warn(`skipping instacart test: ${INSTACART} not found (set LOUPE_INSTACART)`);

describe("instacart subset", () => {
  it.skipIf(!haveInstacart)("reaches a sane accuracy on 8k pool items", async () => {
    const rows = readFileSync(INSTACART, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { title: string; category: string; split: string });
    const cats = [...new Set(rows.map((r) => r.category))].sort();
    const idx = new Map(cats.map((c, i) => [c, i]));
    const pool = rows.filter((r) => r.split === "pool").slice(0, 8000);
    const test = rows.filter((r) => r.split === "test").slice(0, 2000);
    const m = await trainModel(
      {
        inputs: pool.map((r) => ({ title: r.title })),
        labels: pool.map((r) => idx.get(r.category) as number),
        numClasses: cats.length,
      },
      { ...FAST, epochs: 6 },
    );
    const preds = await m.predict(test.map((r) => ({ title: r.title })));
    const acc = preds.filter((p, i) => p.top[0]?.classIndex === idx.get(test[i]!.category)).length / test.length;
    expect(acc).toBeGreaterThan(0.5); // chance is ~1/133; full-pool training reaches ~0.75
    m.dispose();
  });
});
