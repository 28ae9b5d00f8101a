import { describe, expect, it } from "vitest";
import { predictionsFromRows } from "./predict-rows";
import { createRng } from "./rng";
import { ancestorAt, buildTaxonomy, confidentAncestor, isUnder, levelProbabilities, likelyAncestors } from "./taxonomy";

const PATHS = [
  "Frozen > Frozen Pizza",
  "Frozen > Ice Cream",
  "Frozen > Frozen Meals",
  "Pantry > Spices",
  "Pantry > Baking > Flour",
  "Pantry > Baking > Sugar",
  "Snacks",
];

function randomDistribution(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const p = Float64Array.from({ length: n }, () => rng() ** 3);
  const s = p.reduce((a, b) => a + b, 0);
  return p.map((x) => x / s);
}

describe("ancestor probabilities", () => {
  const tax = buildTaxonomy(PATHS);

  it("cuts every path to each level; a short path keeps its full path below its depth", () => {
    expect(tax.levels.map((l) => l.depth)).toEqual([1, 2, 3]);
    expect(tax.levels[0]!.names).toEqual(["Frozen", "Pantry", "Snacks"]);
    expect(tax.levels[1]!.names).toEqual([
      "Frozen > Frozen Meals",
      "Frozen > Frozen Pizza",
      "Frozen > Ice Cream",
      "Pantry > Baking",
      "Pantry > Spices",
      "Snacks",
    ]);
    expect(tax.levels[2]!.names).toHaveLength(PATHS.length);
    expect(ancestorAt("Pantry > Baking > Flour", 2)).toBe("Pantry > Baking");
    expect(isUnder("Pantry > Baking > Flour", "Pantry > Baking")).toBe(true);
    expect(isUnder("Pantry > Bakingware", "Pantry > Baking")).toBe(false);
  });

  it("sum, at every level, to the leaves under each label and to 1 in all", () => {
    for (let seed = 1; seed <= 50; seed++) {
      const p = randomDistribution(PATHS.length, seed);
      for (const level of tax.levels) {
        const q = levelProbabilities(p, level);
        expect(q.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        level.names.forEach((name, g) => {
          const leaves = PATHS.map((path, c) => (ancestorAt(path, level.depth) === name ? (p[c] as number) : 0));
          expect(q[g]).toBeCloseTo(
            leaves.reduce((a, b) => a + b, 0),
            12,
          );
        });
      }
    }
  });

  it("names the most likely ancestor per level above the leaves, and asks for the aisle when only the parent is sure", () => {
    const p = [0.3, 0.35, 0.31, 0.01, 0.01, 0.01, 0.01];
    const a = likelyAncestors(p, tax);
    expect(a.map((x) => x.path)).toEqual(["Frozen", "Frozen > Ice Cream"]);
    expect(a[0]!.prob).toBeCloseTo(0.96, 12);
    expect(confidentAncestor(0.35, a)).toEqual({ path: "Frozen", depth: 1, prob: a[0]!.prob });
    expect(confidentAncestor(0.9, a)).toBeNull(); // the leaf itself is sure
    expect(confidentAncestor(0.35, a, 0.97)).toBeNull(); // no ancestor is sure enough
  });

  it("are computed on the calibrated distribution when scoring, top-label map included", () => {
    const C = PATHS.length;
    const n = 40;
    const rng = createRng(7);
    const Z = Float32Array.from({ length: n * C }, () => (rng() - 0.5) * 8);
    const cal = {
      method: "temperature+isotonic" as const,
      temperature: 1.4,
      confidenceMap: { x: [0, 1], y: [0.1, 0.9] },
    };
    const preds = predictionsFromRows(Z, n, C, cal, 3, undefined, 0, tax);
    preds.forEach((pred, i) => {
      // The distribution by hand: softmax(z / T), top class mapped to q, the rest scaled to 1 − q.
      const z = Array.from(Z.subarray(i * C, (i + 1) * C), (v) => v / cal.temperature);
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      const p = e.map((v) => v / s);
      const top = p.indexOf(Math.max(...p));
      const q = pred.confidence;
      const dist = p.map((v, c) => (c === top ? q : (v * (1 - q)) / (1 - (p[top] as number))));
      expect(dist.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      for (const anc of pred.ancestors ?? []) {
        const level = tax.levels[anc.depth - 1]!;
        const want = levelProbabilities(dist, level);
        expect(anc.prob).toBeCloseTo(Math.max(...want), 5);
        expect(anc.prob).toBeGreaterThanOrEqual(pred.confidence - 1e-6); // an ancestor holds at least its best leaf
      }
      expect(pred.ancestors).toHaveLength(2);
    });
  });
});
