import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { generateCatalogue } from "../server/demo/catalogue";
import { initBackend } from "./backend";
import { featurize } from "./features";
import { deserializeModel, sha256Hex } from "./serialize";

const dir = path.join(import.meta.dirname, "__fixtures__");
const bytes = new Uint8Array(readFileSync(path.join(dir, "model-format1-before-simd.bin")));
type Expected = {
  sha256: string;
  test: string[];
  predictions: { top: [number, number][]; confidence: number; entropy: number }[];
};
const expected = JSON.parse(readFileSync(path.join(dir, "model-format1-before-simd.json"), "utf8")) as Expected;

beforeAll(async () => {
  await initBackend();
});

describe("a model serialised before the SIMD engine (format 1, b590dc3)", () => {
  it("loads with its sha256 and predicts what it predicted then", async () => {
    const model = await deserializeModel(bytes, expected.sha256);
    expect(model.training.engine).toBeUndefined();
    const byId = new Map(generateCatalogue({ seed: 42, poolSize: 600, testSize: 60 }).items.map((i) => [i.id, i]));
    const inputs = expected.test.map((id) => {
      const it = byId.get(id);
      if (!it) throw new Error(`fixture item ${id} missing`);
      return { title: it.title, description: it.description, attributes: it.attributes };
    });
    const preds = await model.predict(inputs, { topK: 3 });
    expect(preds).toHaveLength(expected.predictions.length);
    preds.forEach((p, i) => {
      const want = expected.predictions[i]!;
      expect(p.top.map((t) => t.classIndex)).toEqual(want.top.map(([c]) => c));
      p.top.forEach((t, j) => expect(t.prob).toBeCloseTo(want.top[j]![1], 5));
      expect(p.entropy).toBeCloseTo(want.entropy, 4);
    });
    // And the tfjs path it was scored with then, on the same loaded model.
    const ref = model.predictFeatures(featurize(inputs, model.config.features), { topK: 3, engine: "reference" });
    ref.forEach((p, i) => expect(p.top.map((t) => t.classIndex)).toEqual(expected.predictions[i]!.top.map(([c]) => c)));
    model.dispose();
  });

  it("a blob of a later format is refused with a message that says so", async () => {
    const copy = bytes.slice();
    const len = new DataView(copy.buffer).getUint32(8, true);
    const header = new TextDecoder().decode(copy.subarray(12, 12 + len)).replace('"format":1', '"format":9');
    copy.set(new TextEncoder().encode(header), 12);
    await expect(deserializeModel(copy)).rejects.toThrow("unsupported model blob format 9 (expected 1)");
    await expect(deserializeModel(copy, await sha256Hex(bytes))).rejects.toThrow("sha256 mismatch");
  });
});
