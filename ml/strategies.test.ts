import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "./backend";
import type { Prediction } from "./prediction";
import { createRng, gaussian } from "./rng";
import { coldStartSample, selectForReview } from "./strategies";

beforeAll(() => initBackend());

function pred(probs: number[], embedding?: Float32Array): Prediction {
  const sorted = probs.map((p, c) => ({ classIndex: c, prob: p })).sort((a, b) => b.prob - a.prob);
  const entropy = -probs.reduce((s, p) => s + (p > 0 ? p * Math.log(p) : 0), 0);
  const p1 = sorted[0]?.prob ?? 0;
  return { top: sorted, confidence: p1, margin: p1 - (sorted[1]?.prob ?? 0), entropy, embedding };
}

// Candidates where the three strategies disagree on purpose.
const cands = [
  { id: "a", prediction: pred([0.5, 0.49, 0.01]) }, // smallest margin
  { id: "b", prediction: pred([0.34, 0.33, 0.33]) }, // least confident, highest entropy
  { id: "c", prediction: pred([0.9, 0.05, 0.05]) },
  { id: "d", prediction: pred([0.45, 0.1, 0.45]) }, // margin 0
  { id: "e", prediction: pred([0.99, 0.005, 0.005]) },
];

describe("selectForReview", () => {
  it("margin picks the smallest margins", () => {
    const picks = selectForReview({ candidates: cands, strategy: "margin", n: 2 });
    expect(picks.map((p) => p.id)).toEqual(["d", "a"]);
    expect(picks[0]?.reason).toMatch(/margin/);
  });

  it("least confidence and entropy rank by their own measures", () => {
    expect(selectForReview({ candidates: cands, strategy: "least_confidence", n: 1 })[0]?.id).toBe("b");
    expect(selectForReview({ candidates: cands, strategy: "entropy", n: 1 })[0]?.id).toBe("b");
    const lc = selectForReview({ candidates: cands, strategy: "least_confidence", n: 5 }).map((p) => p.id);
    expect(lc.at(-1)).toBe("e");
  });

  it("random is a seeded, duplicate-free draw", () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ id: i, prediction: pred([0.5, 0.5]) }));
    const a = selectForReview({ candidates: many, strategy: "random", n: 10, seed: 4 }).map((p) => p.id);
    const b = selectForReview({ candidates: many, strategy: "random", n: 10, seed: 4 }).map((p) => p.id);
    const c = selectForReview({ candidates: many, strategy: "random", n: 10, seed: 5 }).map((p) => p.id);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(new Set(a).size).toBe(10);
  });

  it("diversity spreads a batch over clusters instead of near-duplicates", () => {
    const rng = createRng(1);
    const k = 5;
    const centres = Array.from({ length: k }, () => Array.from({ length: 8 }, () => gaussian(rng) * 5));
    // Cluster 0 holds all of the most uncertain items; plain margin takes only from it.
    const items = Array.from({ length: 200 }, (_, i) => {
      const cl = i % k;
      const emb = Float32Array.from(centres[cl] as number[], (v) => v + gaussian(rng) * 0.1);
      const m = cl === 0 ? 0.01 + i * 1e-5 : 0.2 + rng() * 0.1;
      return { id: i, cluster: cl, prediction: pred([0.5 + m / 2, 0.5 - m / 2], emb) };
    });
    const clusterOf = (id: string | number) => items[id as number]?.cluster;
    const plain = selectForReview({ candidates: items, strategy: "margin", n: k });
    expect(new Set(plain.map((p) => clusterOf(p.id))).size).toBe(1);
    const diverse = selectForReview({ candidates: items, strategy: "margin", n: k, diversity: true, seed: 2 });
    expect(diverse).toHaveLength(k);
    expect(new Set(diverse.map((p) => clusterOf(p.id))).size).toBe(k);
    expect(diverse.some((p) => clusterOf(p.id) === 0)).toBe(true); // still takes the most uncertain group
  });
});

describe("coldStartSample", () => {
  it("draws a diverse sample across topics with no model", () => {
    const topics = ["coffee beans", "dog food", "shampoo", "batteries", "tomato sauce", "ice cream"];
    const items = Array.from({ length: 600 }, (_, i) => ({
      id: i,
      input: {
        title: `${topics[i % topics.length]} ${["small", "large", "organic", "value", "family"][i % 5]} pack ${i % 7}`,
      },
    }));
    const picks = coldStartSample({ items, n: 6, seed: 3 });
    expect(picks).toHaveLength(6);
    expect(new Set(picks.map((p) => p.id)).size).toBe(6);
    const covered = new Set(picks.map((p) => (p.id as number) % topics.length));
    expect(covered.size).toBeGreaterThanOrEqual(5);
    expect(coldStartSample({ items, n: 6, seed: 3 }).map((p) => p.id)).toEqual(picks.map((p) => p.id));
  });
});
