export { CALIBRATION_SHARE, splitSeedOf, splitSnapshot } from "./split";
export { failStaleRuns, listQueuedRuns, maybeScheduledRetrain, maybeTriggerRetrain, requestTraining } from "./requests";
export { runTraining } from "./run";
export { heartbeatEvery, startHeartbeat } from "./heartbeat";
export { itemShare, readEvidence, readSnapshot, toTextInput } from "./snapshot";
export type { LabelledItem } from "./snapshot";
