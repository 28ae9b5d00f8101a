import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "./backend";
import { expectedCalibrationError, fitCalibration, reliabilityDiagram } from "./calibration";
import { createRng, gaussian } from "./rng";

/** Labels drawn from softmax(base); logits handed over are base × sharpen (overconfident when > 1). */
function synthetic(n: number, classes: number, sharpen: number, seed: number) {
  const rng = createRng(seed);
  const logits = new Float32Array(n * classes);
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const base = Array.from({ length: classes }, () => gaussian(rng) * 1.5);
    const max = Math.max(...base);
    const e = base.map((z) => Math.exp(z - max));
    const s = e.reduce((a, b) => a + b, 0);
    let r = rng() * s;
    let y = classes - 1;
    for (let c = 0; c < classes; c++)
      if ((r -= e[c] as number) <= 0) {
        y = c;
        break;
      }
    labels.push(y);
    base.forEach((z, c) => (logits[i * classes + c] = z * sharpen));
  }
  return { logits, labels };
}

beforeAll(() => initBackend());

describe("fitCalibration", () => {
  it("gives an overconfident model T > 1 and a lower ECE", () => {
    const { logits, labels } = synthetic(3000, 8, 3, 7);
    const fit = fitCalibration({ logits, labels, numClasses: 8 });
    expect(fit.calibration.temperature).toBeGreaterThan(2); // the true value is 3
    expect(fit.calibration.temperature).toBeLessThan(4.5);
    expect(fit.eceAfter).toBeLessThan(fit.eceBefore / 2);
    expect(fit.nllAfter).toBeLessThan(fit.nllBefore);
  });

  it("leaves a calibrated model near T = 1", () => {
    const { logits, labels } = synthetic(3000, 8, 1, 8);
    const fit = fitCalibration({ logits, labels, numClasses: 8 });
    expect(Math.abs(fit.calibration.temperature - 1)).toBeLessThan(0.2);
    expect(fit.eceBefore).toBeLessThan(0.05);
  });

  it("fits a per-class bias that corrects a shifted class prior", () => {
    const { logits, labels } = synthetic(4000, 5, 1, 9);
    for (let i = 0; i < labels.length; i++) logits[i * 5]! += 1.5; // the model over-predicts class 0
    const t = fitCalibration({ logits, labels, numClasses: 5 });
    const tb = fitCalibration({ logits, labels, numClasses: 5, method: "temperature+bias" });
    expect(tb.nllAfter).toBeLessThan(t.nllAfter);
    const bias = tb.calibration.bias ?? [];
    expect(bias[0]).toBeLessThan(Math.min(...bias.slice(1)));
  });
});

describe("expectedCalibrationError / reliabilityDiagram", () => {
  it("bins by confidence and measures the gap", () => {
    const conf = [0.95, 0.95, 0.95, 0.95, 0.55, 0.55];
    const correct = [1, 1, 1, 0, 1, 0];
    const bins = reliabilityDiagram(conf, correct, 15);
    expect(bins.reduce((s, b) => s + b.count, 0)).toBe(6);
    const hi = bins.find((b) => b.count === 4);
    expect(hi?.accuracy).toBeCloseTo(0.75);
    // (4/6)·|0.75−0.95| + (2/6)·|0.5−0.55|
    expect(expectedCalibrationError(conf, correct)).toBeCloseTo((4 / 6) * 0.2 + (2 / 6) * 0.05, 6);
  });
});
