import { beforeAll, describe, expect, it } from "vitest";
import { demoSplits } from "./__tests__/demo-splits";
import { initBackend } from "./backend";
import { evaluate } from "./evaluate";
import { type FeatureConfig, featurize } from "./features";
import { createRng } from "./rng";
import type { TrainedModel } from "./model";
import type { Calibration } from "./prediction";
import { type TrainOptions, trainModel } from "./train";
import { emitModule } from "./wasm/emit";
import { kernelModule } from "./wasm/kernels";

const demo = () => demoSplits({ seed: 5, poolSize: 3000, testSize: 600 });

const OPTS: TrainOptions = { buckets: 1 << 14, dim: 32, epochs: 3, seed: 9, minSteps: 0 };
let d: ReturnType<typeof demo>;
let fast: TrainedModel;
let reference: TrainedModel;

const featuresOf = (m: TrainedModel): FeatureConfig => m.config.features;
const accuracy = (m: TrainedModel, preds: Awaited<ReturnType<TrainedModel["predict"]>>) =>
  evaluate({ predicted: preds.map((p) => p.top[0]?.classIndex ?? -1), labels: d.test.labels, numClasses: m.numClasses })
    .accuracy;

beforeAll(async () => {
  await initBackend();
  d = demo();
  const data = { ...d.train, numClasses: d.numClasses };
  fast = await trainModel(data, { ...OPTS, engine: "fast" });
  reference = await trainModel(data, { ...OPTS, engine: "reference" });
});

describe("the SIMD training engine", () => {
  it("emits modules WebAssembly accepts, with and without a shared memory", () => {
    for (const shared of [false, true]) expect(kernelModule(shared)).toBeInstanceOf(WebAssembly.Module);
    expect(WebAssembly.validate(emitModule([], true))).toBe(true);
  });

  it("trains the same model as the tfjs reference on a fixed seed, within float rounding", async () => {
    expect(fast.training.engine).toBe("wasm-simd");
    expect(reference.training.engine).toBe("tfjs");
    expect(fast.training.epochsRun).toBe(reference.training.epochsRun);
    expect(fast.training.bestEpoch).toBe(reference.training.bestEpoch);
    let maxTable = 0;
    for (let i = 0; i < fast.table.data.length; i++)
      maxTable = Math.max(maxTable, Math.abs((fast.table.data[i] as number) - (reference.table.data[i] as number)));
    expect(maxTable).toBeLessThan(1e-3);
    const [pf, pr] = await Promise.all([fast.predict(d.test.inputs), reference.predict(d.test.inputs)]);
    let sameTop = 0;
    let maxProb = 0;
    pf.forEach((p, i) => {
      if (p.top[0]?.classIndex === pr[i]?.top[0]?.classIndex) sameTop++;
      maxProb = Math.max(maxProb, Math.abs(p.confidence - (pr[i]?.confidence ?? NaN)));
    });
    expect(sameTop / pf.length).toBeGreaterThanOrEqual(0.995);
    expect(maxProb).toBeLessThan(5e-3);
    expect(Math.abs(accuracy(fast, pf) - accuracy(reference, pr))).toBeLessThanOrEqual(0.005);
  });

  it("is reproducible bit for bit on one thread", async () => {
    const again = await trainModel({ ...d.train, numClasses: d.numClasses }, { ...OPTS, engine: "fast" });
    expect(again.table.data).toEqual(fast.table.data);
    expect(again.logits(d.test.inputs)).toEqual(fast.logits(d.test.inputs));
    again.dispose();
  });

  it("trains on two threads (Hogwild) to the accuracy of one", async () => {
    const two = await trainModel({ ...d.train, numClasses: d.numClasses }, { ...OPTS, engine: "fast", threads: 2 });
    expect(two.training.threads).toBe(2);
    const a2 = accuracy(two, await two.predict(d.test.inputs));
    const a1 = accuracy(fast, await fast.predict(d.test.inputs));
    expect(a2).toBeGreaterThan(a1 - 0.03);
    two.dispose();
  });

  it("refuses two threads on the reference engine, and a shape it cannot run", async () => {
    const data = { ...d.train, numClasses: d.numClasses };
    await expect(trainModel(data, { ...OPTS, engine: "reference", threads: 2 })).rejects.toThrow("fast engine");
    await expect(trainModel(data, { ...OPTS, dim: 30, engine: "fast" })).rejects.toThrow("multiple of 4");
  });
});

describe("a frozen dense input", () => {
  it("is added to every bag, trained around (never trained) and scored alike by both engines", async () => {
    // Items with no words at all: only their dense rows (a fixed random direction per class, plus noise) say the class.
    const { trainOnFeatures } = await import("./train");
    const K = 4;
    const dim = 16;
    const n = 800;
    const rng = createRng(3);
    const dirs = Array.from({ length: K }, () => Float32Array.from({ length: dim }, () => rng() - 0.5));
    const labels = Array.from({ length: n }, (_, i) => i % K);
    const dense = new Float32Array(n * dim);
    labels.forEach((y, i) => {
      for (let k = 0; k < dim; k++) dense[i * dim + k] = (dirs[y]![k] as number) + (rng() - 0.5) * 0.3;
    });
    const feats = { offsets: new Int32Array(n + 1), ids: new Int32Array(0), weights: new Float32Array(0), dense };
    const cfg = { ...featuresOf(fast), buckets: 1 << 10 };
    const opts = { seed: 1, dim, epochs: 6, minSteps: 600, validationFraction: 0 };
    for (const engine of ["fast", "reference"] as const) {
      const m = await trainOnFeatures(feats, labels, K, cfg, { ...opts, engine });
      const right = m.predictFeatures(feats).filter((p, i) => p.top[0]?.classIndex === labels[i]).length;
      expect(right / n).toBeGreaterThan(0.95);
      // The table stayed untouched: there were no hashed features to train.
      expect(m.table.data.every((v) => v === 0)).toBe(true);
      // Without its dense rows the same items are indistinguishable.
      const bare = m.predictFeatures({ ...feats, dense: undefined });
      expect(new Set(bare.map((p) => p.top[0]?.classIndex)).size).toBe(1);
      m.dispose();
    }
  });
});

describe("SIMD scoring", () => {
  it("gives the tfjs scoring's predictions for the same model, under every calibration", () => {
    const feats = featurize(d.test.inputs, fast.config.features);
    const C = fast.numClasses;
    const calibrations: Calibration[] = [
      { method: "none", temperature: 1 },
      { method: "temperature+bias", temperature: 1.7, bias: Array.from({ length: C }, (_, c) => (c % 5) * 0.1 - 0.2) },
      {
        method: "temperature+isotonic",
        temperature: 0.8,
        confidenceMap: { x: [0, 0.5, 0.9, 1], y: [0, 0.4, 0.8, 0.97] },
      },
    ];
    for (const cal of calibrations) {
      fast.setCalibration(cal);
      const a = fast.predictFeatures(feats, { topK: 3, withEmbedding: true });
      const b = fast.predictFeatures(feats, { topK: 3, withEmbedding: true, engine: "reference" });
      a.forEach((p, i) => {
        const q = b[i]!;
        expect(p.top.map((t) => t.classIndex)).toEqual(q.top.map((t) => t.classIndex));
        // Logits agree to ~1e-5 (float32 sums in another order), probabilities to ~1e-5.
        p.top.forEach((t, j) => expect(t.prob).toBeCloseTo(q.top[j]!.prob, 4));
        expect(p.margin).toBeCloseTo(q.margin, 4);
        expect(p.entropy).toBeCloseTo(q.entropy, 3); // tfjs sums p·log p in float32
        p.embedding!.forEach((v, k) => expect(v).toBeCloseTo(q.embedding![k]!, 5));
      });
    }
    const la = fast.logitsFeatures(feats);
    const lb = fast.logitsFeatures(feats, 4096, "reference");
    let max = 0;
    for (let i = 0; i < la.length; i++) max = Math.max(max, Math.abs((la[i] as number) - (lb[i] as number)));
    expect(max).toBeLessThan(1e-4);
  });
});
