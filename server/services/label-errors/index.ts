/**
 * Label errors: after each training run, confident learning on out-of-fold
 * probabilities flags labels that are probably wrong (the label_suspects table,
 * which this domain alone writes); people's decisions on them confirm or keep them.
 */
export { detectLabelErrors, MIN_DETECTION_ITEMS } from "./detect";
export type { DetectLabelErrorsInput, DetectLabelErrorsOptions, DetectLabelErrorsResult } from "./detect";
export { reopenSuspects, resolveSuspects } from "./resolve";
export type { ResolveSuspectsInput } from "./resolve";
export { listSuspects, openSuspectCount, suspectCounts } from "./list";
export type { ListSuspectsInput, SuspectBucket, SuspectCountsInput, SuspectCursor, SuspectRow } from "./list";
