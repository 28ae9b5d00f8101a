/**
 * The activation gate: a retrained version becomes active by itself only when,
 * on items neither version was trained on and scored by both (a paired
 * comparison), it loses at most the project's margin of accuracy. The evidence
 * is the gold set when there is one; without gold, the new version's
 * calibration hold-out items the active version never trained on, with the
 * audits. Without enough of either, the new version (trained on more labels)
 * is activated and the version page says so: never "no gold, never activate".
 */

/** Items both versions must be scored on before a comparison is trusted. */
export const MIN_GATE_EVIDENCE = 20;

export type GateEvidence = {
  kind: "gold" | "held-out" | "none";
  n: number;
  newAccuracy: number | null;
  activeAccuracy: number | null;
};

export type GateInput = { hasActive: boolean; margin: number; evidence: GateEvidence };
export type GateDecision = { passed: boolean; reason: string; evidence: GateEvidence };

const points = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(Math.round(x * 1000) / 10).toFixed(1)}`;
const pct = (x: number) => `${(Math.round(x * 1000) / 10).toFixed(1)}%`;

export function gateDecision(g: GateInput): GateDecision {
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
