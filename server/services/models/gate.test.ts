import { describe, expect, it } from "vitest";
import { gateDecision, MIN_GATE_EVIDENCE, type GateEvidence } from "./gate";

const ev = (kind: GateEvidence["kind"], n: number, newAccuracy: number | null, activeAccuracy: number | null) => ({
  kind,
  n,
  newAccuracy,
  activeAccuracy,
});

describe("gateDecision", () => {
  it("activates the first version", () => {
    expect(gateDecision({ hasActive: false, margin: 0.01, evidence: ev("none", 0, null, null) }).passed).toBe(true);
  });

  it("compares both versions on the same items, within the margin, and says it in points", () => {
    const better = gateDecision({ hasActive: true, margin: 0.01, evidence: ev("gold", 500, 0.916, 0.9) });
    expect(better.passed).toBe(true);
    expect(better.reason).toBe(
      "+1.6 points of accuracy (91.6% against 90.0% on 500 gold items), within the allowed −1.0",
    );
    const slightly = gateDecision({ hasActive: true, margin: 0.01, evidence: ev("held-out", 40, 0.895, 0.9) });
    expect(slightly.passed).toBe(true);
    expect(slightly.reason).toContain("held-out items and audits neither version trained on");
    const worse = gateDecision({ hasActive: true, margin: 0.01, evidence: ev("gold", 500, 0.85, 0.9) });
    expect(worse.passed).toBe(false);
    expect(worse.reason).toContain("−5.0 points");
    expect(worse.reason).toContain("beyond the allowed −1.0");
  });

  it("without evidence both versions share, activates the newer one and says why: never 'no gold, never activate'", () => {
    const d = gateDecision({ hasActive: true, margin: 0.01, evidence: ev("none", 7, null, null) });
    expect(d.passed).toBe(true);
    expect(d.reason).toContain(`(7; ${MIN_GATE_EVIDENCE} needed)`);
    expect(d.evidence.kind).toBe("none");
  });
});
