export { claimForUser } from "./claim";
export { extendLeases, releaseLeases } from "./leases";
export type { ExtendLeasesInput, ReleaseLeasesInput } from "./leases";
export { forgetLowWaterMarks } from "./low-water";
export { leaseNextItems } from "./next";
export type { LeaseNextItemsInput, LeaseNextItemsResult } from "./next";
export { getQueueStats } from "./status";
export type { GetQueueStatsInput, QueueStats } from "./status";
