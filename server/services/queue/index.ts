export { claimForUser } from "./claim";
export { extendLeases, releaseLeases } from "./leases";
export { forgetLowWaterMarks } from "./low-water";
export { leaseMinutesOf, loadQueueProject, nextItems } from "./next";
export { standingSecondOpinion } from "./open-items-sql";
export { queueStats } from "./status";
