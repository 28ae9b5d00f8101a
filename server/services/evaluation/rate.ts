/**
 * How many gold items the precision target needs, and the share of queue slots
 * evaluation picks get: pure, so the overview, the settings page and the queue
 * agree on the same numbers.
 */
import { EVALUATION_RATES } from "@/lib/constants";
import { certificationMinimum } from "@/ml";

/** Gold items below which no threshold can be certified at the target, even if the model were always right. */
export function goldNeeded(precisionTarget: number): { perfectRecord: number; firstLook: number } {
  return certificationMinimum(precisionTarget);
}

export type EvaluationRateInput = {
  /** The project's setting: a share, or null for automatic. */
  setting: number | null;
  precisionTarget: number;
  gold: number;
  /** The active version certified at least one threshold. */
  certified: boolean;
};

/**
 * Automatic: the building share while the gold set is under what the target
 * needs, and also while nothing is certified and the gold set is under four
 * times that (a threshold covers only part of the gold set); then the
 * maintenance share, so accuracy keeps being measured as the catalogue changes.
 */
export function evaluationRate(p: EvaluationRateInput): number {
  if (p.setting !== null) return p.setting;
  const need = goldNeeded(p.precisionTarget).firstLook;
  const building = p.gold < need || (!p.certified && p.gold < 4 * need);
  return building ? EVALUATION_RATES.building : EVALUATION_RATES.maintenance;
}
