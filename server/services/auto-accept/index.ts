export { autoAcceptRange, clearsThreshold, thresholdFor } from "./accept-range";
export { auditedPrecision } from "./audited-precision";
export { onAuditRecorded } from "./tighten";
