/**
 * The activation gate: a retrained version becomes active by itself only when,
 * on items neither version was trained on and scored by both (a paired
 * comparison), it loses at most the project's margin of accuracy. A loss
 * beyond the margin refuses it only when the evidence shows it at 95%
 * confidence: on a few dozen gold items one item is several points, and a
 * version trained on more labels is not refused over one or two of them. The evidence
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
  /** Items only the new version got right, and only the active one (absent in versions gated before these were kept). */
  newOnlyCorrect?: number;
  activeOnlyCorrect?: number;
};

/** One-sided 95% normal quantile. */
const Z_95 = 1.645;

/**
 * The most the new version could be ahead, at 95% confidence, from the paired
 * discordant counts (the standard error of a paired difference of proportions).
 */
export function pairedUpperBound(n: number, newOnly: number, activeOnly: number): number {
  const delta = (newOnly - activeOnly) / n;
  const variance = Math.max(0, newOnly + activeOnly - (newOnly - activeOnly) ** 2 / n) / (n * n);
  return delta + Z_95 * Math.sqrt(variance);
}

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
  const on = e.kind === "gold" ? `gold items` : `held-out items and audits neither version trained on`;
  const measured = `${points(delta)} points of accuracy (${pct(e.newAccuracy)} against ${pct(e.activeAccuracy)} on ${e.n} ${on})`;
  const limit = `the allowed ${points(-g.margin)}`;
  if (delta >= -g.margin) return { passed: true, reason: `${measured}, within ${limit}`, evidence: e };
  if (e.newOnlyCorrect === undefined || e.activeOnlyCorrect === undefined)
    return { passed: false, reason: `${measured}, beyond ${limit}`, evidence: e };
  const upper = pairedUpperBound(e.n, e.newOnlyCorrect, e.activeOnlyCorrect);
  const split = `${e.newOnlyCorrect} items only the new version got right, ${e.activeOnlyCorrect} only the active one`;
  const passed = upper >= -g.margin;
  return {
    passed,
    reason: passed
      ? `${measured}: beyond ${limit}, but not at 95% confidence (${split}; it could be ${points(upper)}), so the new version, trained on more labels, is activated`
      : `${measured}, beyond ${limit} at 95% confidence (${split}; at best ${points(upper)})`,
    evidence: e,
  };
}
