import { describe, expect, it } from "vitest";
import { confidentJointFlags, findLabelErrors, selfConfidenceThresholds, softmaxRows } from "./label-errors";
import { createRng } from "./rng";

describe("confident learning", () => {
  // Three classes, seven items, chance 1/3. Self-confidence: class 0 over items 0,1,2 = (0.8+0.7+0.1)/3 ≈ 0.533;
  // class 1 over items 3,4 = (0.9+0.6)/2 = 0.75; class 2 over items 5,6 = (0.45+0.3)/2 = 0.375.
  const probabilities = [
    [0.8, 0.1, 0.1],
    [0.7, 0.2, 0.1],
    [0.1, 0.8, 0.1], // labelled 0 (0.1 < 1/3), confidently 1 (0.8 ≥ 0.75): flagged by both rules, score 0.7
    [0.05, 0.9, 0.05],
    [0.3, 0.6, 0.1], // labelled 1 (0.6): no rule flags it
    [0.55, 0.0, 0.45], // labelled 2, confidently 0 (0.55 ≥ 0.533): the classic rule flags it, but 0.45 ≥ 1/3
    [0.2, 0.5, 0.3], // labelled 2 (0.3 < 1/3), no confident class: flagged with the likeliest other, 1, score 0.2
  ];
  const labels = [0, 0, 0, 1, 1, 2, 2];

  it("computes the self-confidence thresholds", () => {
    const t = selfConfidenceThresholds({ probabilities, labels, numClasses: 3 });
    expect(t[0]).toBeCloseTo(1.6 / 3, 10);
    expect(t[1]).toBeCloseTo(0.75, 10);
    expect(t[2]).toBeCloseTo(0.375, 10);
  });

  it("classic rule: flags items whose confident class is not their label", () => {
    const flags = confidentJointFlags({ probabilities, labels, numClasses: 3 });
    expect(flags.map((f) => [f.index, f.suggested])).toEqual([
      [2, 1],
      [5, 0],
    ]);
    expect(flags[1]!.score).toBeCloseTo(0.1, 10);
  });

  it("flags labels less likely than chance, most suspect first, with the confident class as suggestion", () => {
    const flags = findLabelErrors({ probabilities, labels, numClasses: 3 });
    expect(flags.map((f) => [f.index, f.suggested])).toEqual([
      [2, 1],
      [6, 1],
    ]);
    expect(flags[0]!.score).toBeCloseTo(0.7, 10);
    expect(flags[0]!.givenProbability).toBeCloseTo(0.1, 10);
    expect(flags[0]!.suggestedProbability).toBeCloseTo(0.8, 10);
    expect(flags[1]!.score).toBeCloseTo(0.2, 10);
    // A stricter floor keeps only the clearer case; a small margin lets the classic rule's confident cases in.
    expect(findLabelErrors({ probabilities, labels, numClasses: 3 }, { floor: 0.2 }).map((f) => f.index)).toEqual([2]);
    const loose = findLabelErrors({ probabilities, labels, numClasses: 3 }, { floor: 0.2, margin: 0.05 });
    expect(loose.map((f) => [f.index, f.suggested])).toEqual([
      [2, 1],
      [5, 0],
    ]);
  });

  it("reads a row-major Float32Array the same as rows", () => {
    const flat = Float32Array.from(probabilities.flat());
    const a = findLabelErrors({ probabilities: flat, labels, numClasses: 3 });
    const b = findLabelErrors({ probabilities, labels, numClasses: 3 });
    expect(a.map((f) => [f.index, f.suggested])).toEqual(b.map((f) => [f.index, f.suggested]));
    expect(a[0]!.score).toBeCloseTo(b[0]!.score, 6);
  });

  it("never makes a class no item is labelled with a candidate", () => {
    // Class 2 has no items: item 0's high p(2) does not count, and class 1 is no likelier than its label.
    const probs = [
      [0.1, 0.1, 0.8],
      [0.9, 0.05, 0.05],
      [0.2, 0.7, 0.1],
    ];
    const input = { probabilities: probs, labels: [0, 0, 1], numClasses: 3 };
    expect(selfConfidenceThresholds(input)[2]).toBeNull();
    expect(findLabelErrors(input)).toEqual([]);
    expect(confidentJointFlags(input)).toEqual([]);
  });

  it("flags nothing on clean, confident data", () => {
    const rng = createRng(3);
    const k = 5;
    const labels = Array.from({ length: 500 }, (_, i) => i % k);
    const probs = labels.map((y) => {
      const row = Array.from({ length: k }, () => rng() * 0.05);
      row[y] = 0.9 + rng() * 0.1;
      const s = row.reduce((a, b) => a + b, 0);
      return row.map((v) => v / s);
    });
    expect(findLabelErrors({ probabilities: probs, labels, numClasses: k })).toEqual([]);
  });

  /** Noisy-but-informative probabilities for items whose true class is known, with 10% of labels flipped. */
  function synthetic(seed: number, n = 2000, k = 8) {
    const rng = createRng(seed);
    const truth = Array.from({ length: n }, () => Math.floor(rng() * k));
    const labels = truth.slice();
    const flipped = new Set<number>();
    for (let i = 0; i < n; i++)
      if (rng() < 0.1) {
        labels[i] = (truth[i]! + 1 + Math.floor(rng() * (k - 1))) % k;
        flipped.add(i);
      }
    const logits = new Float32Array(n * k);
    for (let i = 0; i < n; i++) {
      // The model leans to the true class but for 3% of items, with varying confidence.
      const boost = rng() < 0.97 ? 3 + rng() * 3 : 0;
      for (let j = 0; j < k; j++) logits[i * k + j] = rng() * 2 + (j === truth[i] ? boost : 0);
    }
    return { labels, flipped, probabilities: softmaxRows(logits, k), k };
  }

  it("finds known flipped labels with high precision and recall", () => {
    const s = synthetic(11);
    const input = { probabilities: s.probabilities, labels: s.labels, numClasses: s.k };
    const figures = (f: { index: number }[]) => {
      const hits = f.filter((x) => s.flipped.has(x.index)).length;
      return { precision: hits / f.length, recall: hits / s.flipped.size };
    };
    const flags = findLabelErrors(input);
    const ours = figures(flags);
    const classic = figures(confidentJointFlags(input));
    expect(ours.precision).toBeGreaterThan(0.8);
    expect(ours.recall).toBeGreaterThan(0.95);
    expect(ours.recall).toBeGreaterThanOrEqual(classic.recall);
    for (let i = 1; i < flags.length; i++) expect(flags[i - 1]!.score).toBeGreaterThanOrEqual(flags[i]!.score);
  });

  it("is deterministic and leaves its inputs alone", () => {
    const s = synthetic(5, 500);
    const copy = s.probabilities.slice();
    const a = findLabelErrors({ probabilities: s.probabilities, labels: s.labels, numClasses: s.k });
    const b = findLabelErrors({ probabilities: s.probabilities, labels: s.labels, numClasses: s.k });
    expect(a).toEqual(b);
    expect(s.probabilities).toEqual(copy);
  });

  it("refuses mismatched shapes and labels out of range", () => {
    expect(() => findLabelErrors({ probabilities: new Float32Array(5), labels: [0, 1], numClasses: 3 })).toThrow();
    expect(() => findLabelErrors({ probabilities: [[0.5, 0.5]], labels: [2], numClasses: 2 })).toThrow();
  });
});

describe("softmaxRows", () => {
  it("gives rows that sum to 1, stable for large logits", () => {
    const p = softmaxRows([1000, 1000, 0, 0, Math.log(3), 0], 3);
    expect(p[0]).toBeCloseTo(0.5, 6);
    expect(p[2]).toBeCloseTo(0, 6);
    expect(p[3]! + p[4]! + p[5]!).toBeCloseTo(1, 6);
    expect(p[4]).toBeCloseTo(0.6, 6);
  });
});
