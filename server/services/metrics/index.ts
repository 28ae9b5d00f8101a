export { auditedPrecision } from "./audited-precision";
export type { AuditedPrecision } from "./audited-precision";
export { maybeHourlySnapshot, takeMetricSnapshot } from "./snapshot";
export { getCurrentMetrics, listMetricTimeline } from "./timeline";
