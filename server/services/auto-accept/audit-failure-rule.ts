/** The emergency brake on auto-accepts: when a version's audits say its precision is under the target. */
import type { AuditedPrecision } from "@/server/services/metrics";

/**
 * The audit-failure rule: a one-sided sequential probability ratio test (Wald)
 * of H0 "precision ≥ target" against H1 "precision ≤ target − δ", run on the
 * audits in order as they arrive and checked after every one. Each kept auto
 * label adds log(p1/p0) to the log-likelihood ratio, each failed one
 * log((1−p1)/(1−p0)) (p0 = target, p1 = target − δ); the rule fires when the
 * ratio reaches log(1/α). The test is open-ended (no "accept H0" boundary): by
 * Ville's inequality the likelihood ratio of H1 to H0 exceeds 1/α with
 * probability ≤ α over ANY number of looks when precision is at or above the
 * target, so checking after every audit does not inflate false alarms.
 *
 * α = 0.05, δ = 0.05. At target 0.98: three failures in a row fire at once; one
 * failed audit in the first five does not (LLR 1.04 < 3.0; a fixed-sample rule
 * such as "Wilson 95% upper bound < target from 5 audits" would revoke a whole
 * version on it). Simulated (auto-accept.test.ts):
 * false alarms over 200 audits ≤ 1% at 98.8% true precision (≤ α = 5% at exactly
 * 98%), and at 93% it fires within 200 audits ~90% of the time (median ~60).
 * Shortfalls smaller than δ/2 are not this rule's job: audits are certification
 * evidence, so the recalibration every RECALIBRATE_EVERY_AUDITS raises thresholds
 * for them; this rule is the emergency brake that revokes a version's auto labels.
 * There is no point-estimate arm ("p̂ < target with ≥ N audits"): at 0.98 and
 * N = 20 it would fire ~21% of the time at 98.8% true precision.
 */
export const AUDIT_SPRT = { alpha: 0.05, delta: 0.05 } as const;

/** log LR of H1 (precision = target − δ) to H0 (precision = target) for `accepted` kept out of `n` audits. */
export function auditLogLikelihoodRatio(
  accepted: number,
  n: number,
  target: number,
  delta: number = AUDIT_SPRT.delta,
): number {
  const p0 = Math.min(0.999, Math.max(0.01, target));
  const p1 = Math.max(0.005, p0 - delta);
  return accepted * Math.log(p1 / p0) + (n - accepted) * Math.log((1 - p1) / (1 - p0));
}

export function auditsFail(
  a: Pick<AuditedPrecision, "n" | "accepted">,
  target: number,
  o: { alpha?: number; delta?: number } = {},
): boolean {
  if (a.n === 0) return false;
  return (
    auditLogLikelihoodRatio(a.accepted, a.n, target, o.delta ?? AUDIT_SPRT.delta) >=
    Math.log(1 / (o.alpha ?? AUDIT_SPRT.alpha))
  );
}
