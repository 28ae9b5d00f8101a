import { threadId } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCatalogue } from "../server/demo/catalogue";
import { initBackend } from "./backend";
import { Compute, type ModelSource } from "./compute";
import type { TextInput } from "./features";
import type { Calibration } from "./prediction";
import { deserializeModel } from "./serialize";

const FAST = { buckets: 1 << 14, dim: 16, epochs: 3, seed: 5, minSteps: 0 };
const CAL: Calibration = { method: "temperature", temperature: 1.7 };

function data() {
  const cat = generateCatalogue({ seed: 4, poolSize: 1200, testSize: 200 });
  const index = new Map(cat.categories.map((c, i) => [c, i]));
  const inputs: TextInput[] = [];
  const labels: number[] = [];
  const test: TextInput[] = [];
  for (const it of cat.items) {
    const input = { title: it.title, description: it.description, attributes: it.attributes };
    if (it.split === "test") test.push(input);
    else {
      inputs.push(input);
      labels.push(index.get(it.category) as number);
    }
  }
  return { train: { inputs, labels, numClasses: cat.categories.length }, test };
}

class SourceMissing extends Error {}

describe.each(["thread", "inline"] as const)("compute (%s)", (mode) => {
  let compute: Compute;
  const d = data();
  beforeAll(async () => {
    await initBackend();
    compute = new Compute(mode);
  });
  afterAll(() => compute.close());

  it(`trains ${mode === "thread" ? "off" : "on"} the caller's thread, and its model scores like its own bytes`, async () => {
    expect(compute.kind).toBe(mode);
    const progress: string[] = [];
    const trained = await compute.train(d.train, FAST, { onProgress: (p) => progress.push(p.phase) });
    try {
      if (mode === "thread") expect(trained.threadId).not.toBe(threadId);
      else expect(trained.threadId).toBe(threadId);
      expect(progress).toContain("train");
      expect(trained.training.items).toBeGreaterThan(0);
      const blob = await trained.serialize(CAL, null);
      const local = await deserializeModel(blob.bytes, blob.sha256);
      expect(local.calibration).toEqual(CAL);
      const remote = await trained.predict(d.test, CAL, { topK: 3, withEmbedding: true });
      const here = await local.predict(d.test, { topK: 3, withEmbedding: true, calibration: CAL });
      expect(remote).toHaveLength(d.test.length);
      remote.forEach((p, i) => {
        expect(p.top.map((t) => t.classIndex)).toEqual(here[i]!.top.map((t) => t.classIndex));
        expect(p.confidence).toBeCloseTo(here[i]!.confidence, 5);
        expect(p.embedding).toHaveLength(FAST.dim);
      });
      const logits = await trained.logits(d.test.slice(0, 10));
      expect(Array.from(logits)).toEqual(Array.from(local.logits(d.test.slice(0, 10))));
      local.dispose();

      // A stored version: bytes fetched once, verified, then held; a wrong sha256 is refused.
      let reads = 0;
      const src = (key: string, sha256: string): ModelSource => ({
        key,
        sha256,
        numClasses: d.train.numClasses,
        bytes: async () => {
          reads++;
          return blob.bytes;
        },
      });
      const stored = await compute.model(src("v1", blob.sha256));
      await compute.model(src("v1", blob.sha256));
      expect(reads).toBe(1);
      const again = await stored.predict(d.test.slice(0, 20), CAL, { topK: 1 });
      expect(again.map((p) => p.top[0]!.classIndex)).toEqual(remote.slice(0, 20).map((p) => p.top[0]!.classIndex));
      await compute.clearModels();
      await compute.model(src("v1", blob.sha256));
      expect(reads).toBe(2);
      await expect(compute.model(src("v1-bad", "0".repeat(64)))).rejects.toThrow(/sha256 mismatch/);
      // The source's own error type reaches the caller (the server maps a missing artifact to NOT_FOUND).
      const missing: ModelSource = {
        ...src("v2", blob.sha256),
        bytes: () => Promise.reject(new SourceMissing("no artifact")),
      };
      await expect(compute.model(missing)).rejects.toBeInstanceOf(SourceMissing);
      // A warm start from a held model.
      const warm = await compute.train(d.train, { ...FAST, warmStart: stored });
      expect(warm.training.warmStarted).toBe(true);
      await warm.release();
    } finally {
      await trained.release();
    }
  });

  it("stops a run when its signal aborts, and keeps serving", async () => {
    const ac = new AbortController();
    const reason = new Error("the worker is stopping");
    const run = compute.train(
      d.train,
      { ...FAST, epochs: 50, minSteps: 5000 },
      {
        signal: ac.signal,
        onProgress: () => ac.abort(reason),
      },
    );
    await expect(run).rejects.toBe(reason);
    const next = await compute.train(d.train, FAST);
    expect(next.training.aborted).toBe(false);
    await next.release();
  });
});

describe("compute thread lifecycle", () => {
  it("starts a new thread after its thread is gone", async () => {
    const compute = new Compute("thread");
    const d = data();
    const first = await compute.train(d.train, FAST);
    await compute.close();
    // The model held by the closed thread is gone with it; the next call starts a fresh thread.
    await expect(first.predict(d.test.slice(0, 5), CAL)).rejects.toThrow();
    const second = await compute.train(d.train, FAST);
    expect(second.threadId).not.toBe(first.threadId);
    await compute.close();
  });
});
