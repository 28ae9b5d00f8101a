export { autoAcceptRange, clearsThreshold, thresholdFor } from "./accept-range";
export { onAuditRecorded } from "./tighten";
