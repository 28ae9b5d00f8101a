/**
 * Evaluation: the gold set people build in the queue (uniform evaluation
 * picks), how much of it the precision target needs, and what blocks automation.
 */
export { awaitingSecondOpinion, evaluatedItem, evaluationGold } from "./gold-sql";
export { evaluationRate, goldNeeded } from "./rate";
export { currentEvaluationRate, forgetEvaluationRate } from "./rate-cache";
export { getEvaluationStatus } from "./status";
export type { Blocking, EvaluationStatus } from "./status";
