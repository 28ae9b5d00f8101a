import { describe, expect, it } from "vitest";
import { createRng } from "./rng";
import { clopperPearsonLower, normalQuantile, wilsonLower } from "./stats";
import { certificationMinimum, firstLookAt, isAutoAccepted, selectThresholds } from "./thresholds";

/** Items whose chance of being right is known: P(correct | conf) = conf^0.5 · cap. */
function sample(n: number, seed: number, cap = 1) {
  const rng = createRng(seed);
  const confidences: number[] = [];
  const correct: boolean[] = [];
  const predicted: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = rng();
    confidences.push(c);
    correct.push(rng() < Math.sqrt(c) * cap);
    predicted.push(i % 4);
  }
  return { confidences, correct, predicted };
}

/** True precision of {conf ≥ t} under the model above: ∫_t^1 √c dc / (1 − t). */
function truePrecision(t: number, cap = 1): number {
  return (cap * ((2 / 3) * (1 - t ** 1.5))) / (1 - t);
}

describe("bounds", () => {
  it("match known values", () => {
    expect(normalQuantile(0.95)).toBeCloseTo(1.6449, 3);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 6);
    expect(wilsonLower(95, 100, 0.95)).toBeCloseTo(0.9, 1);
    expect(wilsonLower(95, 100)).toBeLessThan(0.95);
    // Clopper–Pearson with all successes: alpha^(1/n).
    expect(clopperPearsonLower(50, 50, 0.95)).toBeCloseTo(0.05 ** (1 / 50), 4);
    expect(clopperPearsonLower(90, 100)).toBeLessThan(wilsonLower(90, 100) + 0.01);
  });
});

describe("selectThresholds", () => {
  it("certifies thresholds whose true precision meets the target in ≥ ~95% of draws", () => {
    const target = 0.9;
    let held = 0;
    const trials = 40;
    for (let s = 0; s < trials; s++) {
      const d = sample(2000, 100 + s);
      const t = selectThresholds({ ...d, numClasses: 4, targetPrecision: target, minClassSupport: 10_000 });
      expect(t.global).not.toBeNull();
      if (truePrecision(t.global as number) >= target) held++;
    }
    // Nominal 95%; allow sampling slack on 40 trials.
    expect(held / trials).toBeGreaterThanOrEqual(0.85);
  });

  it("accepts more as labelled data grows, never below the empirical target", () => {
    const small = selectThresholds({ ...sample(1000, 5), numClasses: 4, targetPrecision: 0.9 });
    const large = selectThresholds({ ...sample(20000, 5), numClasses: 4, targetPrecision: 0.9 });
    expect(large.global as number).toBeLessThan(small.global as number);
    for (const p of large.curve.filter((c) => c.threshold >= (large.global as number)))
      expect(p.lowerBound).toBeLessThanOrEqual(p.precision);
  });

  it("says 'no threshold' plainly when the data cannot support the target", () => {
    const d = sample(3000, 6, 0.9); // precision never exceeds 0.9
    const t = selectThresholds({ ...d, numClasses: 4, targetPrecision: 0.95 });
    expect(t.global).toBeNull();
    expect(t.perClass.every((x) => x === null)).toBe(true);
    expect(t.reason).toMatch(/no threshold/);
    expect(
      isAutoAccepted({ top: [{ classIndex: 0, prob: 0.999 }], confidence: 0.999, margin: 0.99, entropy: 0.01 }, t),
    ).toBe(false);
  });

  it("uses per-class thresholds where support allows and the global one elsewhere", () => {
    const rng = createRng(3);
    const confidences: number[] = [];
    const correct: boolean[] = [];
    const predicted: number[] = [];
    for (let i = 0; i < 6000; i++) {
      const cls = i < 5000 ? i % 2 : 2; // classes 0, 1 plentiful; class 2 rare (1000 < support 2000)
      const c = rng();
      confidences.push(c);
      predicted.push(cls);
      // class 0 is easy (always right above 0.3), class 1 hard.
      correct.push(cls === 0 ? c > 0.3 || rng() < 0.5 : rng() < c);
    }
    const t = selectThresholds({
      confidences,
      predicted,
      correct,
      numClasses: 3,
      targetPrecision: 0.9,
      minClassSupport: 2000,
      mode: "per-class",
    });
    expect(t.perClassSource).toEqual(["class", "class", "global"]);
    expect(t.perClass[0] as number).toBeLessThan(t.perClass[1] as number);
    expect(t.perClass[2]).toBe(t.global);
    const pred = (cls: number, conf: number) => ({
      top: [{ classIndex: cls, prob: conf }],
      confidence: conf,
      margin: conf,
      entropy: 0,
    });
    expect(isAutoAccepted(pred(0, 0.5), t)).toBe(true);
    expect(isAutoAccepted(pred(1, 0.5), t)).toBe(false);
  });

  it("in auto mode keeps the certified scheme that accepts more", () => {
    const rng = createRng(4);
    const make = (hardRate: number) => {
      const d = { confidences: [] as number[], predicted: [] as number[], correct: [] as boolean[] };
      for (let i = 0; i < 8000; i++) {
        const cls = i % 2;
        // Class 0 is confident and right; class 1 sits lower with a flat precision of hardRate.
        d.confidences.push(cls === 0 ? 0.5 + rng() / 2 : 0.5 + rng() * 0.3);
        d.predicted.push(cls);
        d.correct.push(rng() < (cls === 0 ? 0.99 : hardRate));
      }
      return selectThresholds({ ...d, numClasses: 2, targetPrecision: 0.9, minClassSupport: 500 });
    };
    // Class 1 at 0.85 can never reach 0.9 alone, but the pooled set does: one global threshold accepts more.
    const pooled = make(0.85);
    expect(pooled.mode).toBe("global");
    expect(pooled.perClass).toEqual([pooled.global, pooled.global]);
    // Class 1 at 0.5 drags the pooled precision under target: only per-class thresholds accept anything.
    const split = make(0.5);
    expect(split.mode).toBe("per-class");
    expect(split.perClass[0]).not.toBeNull();
    expect(split.perClass[1]).toBeNull();
  });

  /**
   * A noisy top, as on real catalogues: the most confident 3% carry label noise
   * (85% "right"), the next slice is 98% right, the rest 70%.
   */
  const noisyTop = (c: number) => (c > 0.97 ? 0.85 : c > 0.7 ? 0.98 : 0.7);
  function noisySample(n: number, seed: number) {
    const rng = createRng(seed);
    const d = { confidences: [] as number[], correct: [] as boolean[], predicted: [] as number[] };
    for (let i = 0; i < n; i++) {
      const c = rng();
      d.confidences.push(c);
      d.correct.push(rng() < noisyTop(c));
      d.predicted.push(i % 4);
    }
    return d;
  }
  /** Exact precision of {conf ≥ t} under noisyTop with uniform confidences. */
  function noisyPrecision(t: number): number {
    const parts: [number, number, number][] = [
      [0.97, 1, 0.85],
      [0.7, 0.97, 0.98],
      [0, 0.7, 0.7],
    ];
    let mass = 0;
    let right = 0;
    for (const [lo, hi, p] of parts) {
      const w = Math.max(0, hi - Math.max(lo, t));
      mass += w;
      right += w * p;
    }
    return right / mass;
  }

  it("on large sets, certifies a slice below a noisy top that a scan from the top alone cannot", () => {
    const args = { ...noisySample(8000, 21), numClasses: 4, targetPrecision: 0.95, minClassSupport: 100_000 };
    const t = selectThresholds(args);
    expect(t.global).not.toBeNull();
    // The slice under 0.97 is what makes it: the certified set reaches well into it.
    expect(t.global as number).toBeLessThan(0.9);
    expect(noisyPrecision(t.global as number)).toBeGreaterThanOrEqual(0.95);
    // Below MULTI_START_MIN_ITEMS the one scan from the top keeps the whole budget and stops at the noise.
    const small = selectThresholds({ ...args, ...noisySample(3000, 21) });
    expect(small.global).toBeNull();
  });

  it("first looks at half a small evidence set, never before a perfect record could pass nor after 4× that", () => {
    expect(certificationMinimum(0.98)).toEqual({ perfectRecord: 133, firstLook: 532 });
    expect(firstLookAt(600, 0.98)).toBe(300);
    expect(firstLookAt(100, 0.98)).toBe(133);
    expect(firstLookAt(5000, 0.98)).toBe(532);
  });

  it("certifies on a gold set built in the queue (600 items at 0.98) whose top half is clean", () => {
    // The top 320 right, the rest right 4 times in 5: a first look at 532 would see ~45 errors and stop there.
    const n = 600;
    const confidences = Array.from({ length: n }, (_, i) => 1 - i / n);
    const correct = confidences.map((_, i) => i < 320 || i % 5 !== 0);
    const t = selectThresholds({
      confidences,
      correct,
      predicted: confidences.map(() => 0),
      numClasses: 1,
      targetPrecision: 0.98,
    });
    expect(t.global).not.toBeNull();
    expect(confidences.filter((c) => c >= (t.global as number)).length).toBeGreaterThanOrEqual(300);
  });

  it("keeps its guarantee on small sets, where the first look comes at half of them", () => {
    // P(correct | conf) = 1 − (1 − conf)³ / 2: the true precision of {conf ≥ t} is 1 − (1 − t)³ / 8, so 0.95 holds
    // down to t ≈ 0.263; 300 items at 0.95 look first at 150 (half), not at 208 (4 × 52).
    const target = 0.95;
    expect(firstLookAt(300, target)).toBe(150);
    let held = 0;
    let certified = 0;
    const trials = 60;
    for (let s = 0; s < trials; s++) {
      const rng = createRng(700 + s);
      const confidences = Array.from({ length: 300 }, () => rng());
      const correct = confidences.map((c) => rng() < 1 - (1 - c) ** 3 / 2);
      const t = selectThresholds({
        confidences,
        correct,
        predicted: confidences.map(() => 0),
        numClasses: 1,
        targetPrecision: target,
      });
      if (t.global === null) continue;
      certified++;
      if (1 - (1 - t.global) ** 3 / 8 >= target) held++;
    }
    expect(certified).toBeGreaterThan(20);
    expect(held / certified).toBeGreaterThanOrEqual(0.85);
  });

  it("keeps its guarantee with three starts: the certified precision meets the target in ≥ ~95% of draws", () => {
    const target = 0.95;
    let held = 0;
    let certified = 0;
    const trials = 40;
    for (let s = 0; s < trials; s++) {
      const t = selectThresholds({
        ...noisySample(6000, 300 + s),
        numClasses: 4,
        targetPrecision: target,
        minClassSupport: 100_000,
      });
      if (t.global === null) continue;
      certified++;
      if (noisyPrecision(t.global) >= target) held++;
    }
    expect(certified).toBeGreaterThan(20);
    expect(held / certified).toBeGreaterThanOrEqual(0.85);
  });
});
