import { describe, expect, it } from "vitest";
import { gateDecision, MIN_GATE_EVIDENCE, pairedUpperBound, type GateEvidence } from "./gate";

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

  it("refuses a loss beyond the margin only when the paired evidence shows it at 95% confidence", () => {
    // 500 gold items, 10 only the new version gets right, 35 only the active one: −5 points, at best −2.8.
    const shown = gateDecision({
      hasActive: true,
      margin: 0.01,
      evidence: { ...ev("gold", 500, 0.85, 0.9), newOnlyCorrect: 10, activeOnlyCorrect: 35 },
    });
    expect(shown.passed).toBe(false);
    expect(shown.reason).toContain("beyond the allowed −1.0 at 95% confidence");
    expect(shown.reason).toContain("at best −2.8");
    // 36 gold items, one won and two lost: −2.8 points, but it could as well be ahead.
    const noise = gateDecision({
      hasActive: true,
      margin: 0.01,
      evidence: { ...ev("gold", 36, 33 / 36, 34 / 36), newOnlyCorrect: 1, activeOnlyCorrect: 2 },
    });
    expect(noise.passed).toBe(true);
    expect(noise.reason).toContain("not at 95% confidence");
    expect(noise.reason).toContain("1 items only the new version got right, 2 only the active one");
  });

  it("bounds a paired difference: no discordant items is no doubt, and the bound grows with them", () => {
    expect(pairedUpperBound(100, 0, 0)).toBe(0);
    expect(pairedUpperBound(100, 5, 5)).toBeGreaterThan(pairedUpperBound(100, 1, 1));
    expect(pairedUpperBound(10_000, 100, 600)).toBeLessThan(-0.04);
  });

  it("without evidence both versions share, activates the newer one and says why: never 'no gold, never activate'", () => {
    const d = gateDecision({ hasActive: true, margin: 0.01, evidence: ev("none", 7, null, null) });
    expect(d.passed).toBe(true);
    expect(d.reason).toContain(`(7; ${MIN_GATE_EVIDENCE} needed)`);
    expect(d.evidence.kind).toBe("none");
  });

  it("keeps an active version whose thresholds auto-accept when the new one certifies none", () => {
    const e = ev("gold", 500, 0.92, 0.9);
    const stop = gateDecision({
      hasActive: true,
      margin: 0.01,
      evidence: e,
      automation: { n: 350, newCoverage: 0, activeCoverage: 0.6 },
    });
    expect(stop.passed).toBe(false);
    expect(stop.reason).toContain("certifies no auto-accept threshold");
    expect(stop.reason).toContain("60.0% of 350 certifying gold items");
    // Less coverage but some, or an active version that accepted nothing either: accuracy decides.
    for (const automation of [
      { n: 350, newCoverage: 0.3, activeCoverage: 0.6 },
      { n: 350, newCoverage: 0, activeCoverage: 0 },
    ])
      expect(gateDecision({ hasActive: true, margin: 0.01, evidence: e, automation }).passed).toBe(true);
  });
});
