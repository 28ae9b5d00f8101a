/**
 * The activation gate: a retrained version becomes active by itself only when,
 * on items neither version was trained on and scored by both (a paired
 * comparison), it loses at most the project's margin of accuracy. The evidence
 * is the gold set when there is one; without gold, the new version's
 * calibration hold-out items the active version never trained on, with the
 * audits. Without enough of either, the new version (trained on more labels)
 * is activated and the version page says so: never "no gold, never activate".
 * Nor does a version that certifies no threshold replace one whose certified
 * thresholds auto-accept: automation would stop until the next version (an
 * engineer can still activate it by hand).
 */

/** Items both versions must be scored on before a comparison is trusted. */
export const MIN_GATE_EVIDENCE = 20;

export type GateEvidence = {
  kind: "gold" | "held-out" | "none";
  n: number;
  newAccuracy: number | null;
  activeAccuracy: number | null;
};

/** Share of the certifying gold each version's thresholds auto-accept (the active one's as certified earlier). */
export type AutomationEvidence = { n: number; newCoverage: number; activeCoverage: number };

export type GateInput = {
  hasActive: boolean;
  margin: number;
  evidence: GateEvidence;
  automation?: AutomationEvidence | null;
};
export type GateDecision = {
  passed: boolean;
  reason: string;
  evidence: GateEvidence;
  automation?: AutomationEvidence | null;
};

const points = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(Math.round(x * 1000) / 10).toFixed(1)}`;
const pct = (x: number) => `${(Math.round(x * 1000) / 10).toFixed(1)}%`;

export function gateDecision(g: GateInput): GateDecision {
  const accuracy = accuracyGate(g);
  const a = g.automation;
  if (!accuracy.passed || !g.hasActive || !a || a.newCoverage > 0 || a.activeCoverage === 0) return accuracy;
  return {
    passed: false,
    reason: `${accuracy.reason}; but it certifies no auto-accept threshold at the target, while the active version's thresholds accept ${pct(a.activeCoverage)} of ${a.n} certifying gold items: the active version stays, so automation does not stop`,
    evidence: accuracy.evidence,
    automation: a,
  };
}

function accuracyGate(g: GateInput): GateDecision {
  const e = g.evidence;
  if (!g.hasActive) return { passed: true, reason: "no active version yet", evidence: e };
  if (e.kind === "none" || e.newAccuracy === null || e.activeAccuracy === null) {
    return {
      passed: true,
      reason: `too few items that neither version was trained on (${e.n}; ${MIN_GATE_EVIDENCE} needed) to compare them: the new version, trained on more labels, is activated`,
      evidence: e,
    };
  }
  const delta = e.newAccuracy - e.activeAccuracy;
  const passed = delta >= -g.margin;
  const on = e.kind === "gold" ? `gold items` : `held-out items and audits neither version trained on`;
  const limit = `the allowed ${points(-g.margin)}`;
  return {
    passed,
    reason: `${points(delta)} points of accuracy (${pct(e.newAccuracy)} against ${pct(e.activeAccuracy)} on ${e.n} ${on}), ${passed ? "within" : "beyond"} ${limit}`,
    evidence: e,
  };
}
