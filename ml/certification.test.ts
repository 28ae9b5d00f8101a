import { describe, expect, it } from "vitest";
import { createRng } from "./rng";
import { certifyEvidence, previewCertification, readEvidence, toEvidence } from "./certification";

/** `n` items over 4 classes, right with probability `p`, confidences uniform in [0.8, 1). */
function evidence(n: number, p: number, seed = 3) {
  const rng = createRng(seed);
  return toEvidence(
    Array.from({ length: n }, (_, i) => ({ confidence: 0.8 + 0.2 * rng(), predicted: i % 4, correct: rng() < p })),
    4,
  );
}

describe("previewCertification", () => {
  it("says a 60-item gold set is too small for 0.96 (65 right in a row is the least that passes), not for 0.9", () => {
    const e = evidence(60, 1);
    const preview = previewCertification(e, 0.96);
    expect(preview).toMatchObject({ n: 60, needed: 65, tooSmall: true, coverage: 0, accepted: 0 });
    expect(preview.thresholds.reason).toContain("no confidence level reaches precision 0.96");
    // At 0.9 the scan first looks at half the set (30 items, 25 being the least that passes) and certifies.
    const at90 = previewCertification(e, 0.9);
    expect(at90).toMatchObject({ needed: 25, tooSmall: false });
    expect(at90.accepted).toBeGreaterThanOrEqual(30);
  });

  it("reports exactly what certification grants on the same evidence", () => {
    const e = evidence(1500, 0.97);
    for (const target of [0.9, 0.95, 0.98]) {
      const preview = previewCertification(e, target);
      const t = certifyEvidence(e, target);
      expect(preview.thresholds).toEqual(t);
      expect(preview.tooSmall).toBe(false);
      const accepted = e.confidence.filter((c, i) => {
        const th = t.perClass[e.predicted[i]!];
        return th !== null && th !== undefined && c >= th;
      }).length;
      expect(preview.accepted).toBe(accepted);
      expect(preview.coverage).toBeCloseTo(accepted / 1500, 10);
    }
    expect(previewCertification(e, 0.9).coverage).toBeGreaterThan(0.5);
  });

  it("reads back stored evidence and refuses anything else", () => {
    const e = evidence(10, 0.5);
    expect(readEvidence(JSON.parse(JSON.stringify(e)))).toEqual(e);
    expect(readEvidence(undefined)).toBeNull();
    expect(readEvidence({ ...e, correct: [1] })).toBeNull();
    expect(readEvidence({ ...e, confidence: ["x"] })).toBeNull();
  });
});
