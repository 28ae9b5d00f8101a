import { describe, expect, it } from "vitest";
import { evaluate, oracleCoverage } from "./evaluate";

describe("evaluate", () => {
  it("computes accuracy, macro-F1, per-class figures and confusions", () => {
    const labels = [0, 0, 0, 1, 1, 2];
    const predicted = [0, 0, 1, 1, 1, 0];
    const e = evaluate({ labels, predicted, numClasses: 4 });
    expect(e.accuracy).toBeCloseTo(4 / 6);
    expect(e.perClass[0]).toMatchObject({ precision: 2 / 3, recall: 2 / 3, support: 3 });
    expect(e.perClass[1]).toMatchObject({ precision: 2 / 3, recall: 1, support: 2 });
    expect(e.perClass[2]).toMatchObject({ precision: 0, recall: 0, support: 1 });
    // class 3 never appears: excluded from the macro average.
    const f1 = [2 / 3, 0.8, 0];
    expect(e.macroF1).toBeCloseTo(f1.reduce((a, b) => a + b) / 3, 6);
    expect(e.topConfusions[0]).toEqual(expect.objectContaining({ count: 1 }));
    expect(e.topConfusions).toHaveLength(2);
  });

  it("reports ECE and the oracle coverage at a target precision", () => {
    const labels = [0, 0, 0, 0, 0];
    const predicted = [0, 0, 0, 1, 0];
    const confidences = [0.9, 0.8, 0.7, 0.6, 0.5];
    const e = evaluate({ labels, predicted, numClasses: 2, confidences, targetPrecision: 1 });
    expect(e.coverageAtTarget).toEqual({ targetPrecision: 1, oracleCoverage: 0.6, oracleThreshold: 0.7 });
    expect(e.ece).toBeGreaterThan(0);
    expect(oracleCoverage(confidences, [0, 0, 0, 0, 0], 0.5).oracleThreshold).toBeNull();
  });
});
