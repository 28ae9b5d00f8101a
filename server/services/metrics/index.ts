export { maybeHourlySnapshot, takeMetricSnapshot } from "./snapshot";
export { getCurrentMetrics, listMetricTimeline } from "./timeline";
