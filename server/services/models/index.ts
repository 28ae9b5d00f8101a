export { activateVersion, rollbackVersion } from "./activation";
export { gateDecision, MIN_GATE_EVIDENCE } from "./gate";
export type { GateDecision, GateEvidence } from "./gate";
export { modelCache } from "./cache";
export { compareModels, getModel, getTrainingProgress, listModels } from "./list";
export { activeVersionId, currentCalibration, loadActiveModel, loadVersion } from "./load";
export type { LoadedVersion } from "./load";
export { planScoring, scoringRanges } from "./rescore-plan";
export type { ScoreRange } from "./rescore-plan";
