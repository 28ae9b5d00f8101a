export { claimForUser } from "./claim";
export { extendLeases, releaseLeases } from "./leases";
export { forgetLowWaterMarks } from "./low-water";
export { leaseMinutesOf, loadQueueProject, nextItems } from "./next";
export { queueStats } from "./status";
