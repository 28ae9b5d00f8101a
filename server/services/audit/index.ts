export { listAuditEvents, recordAudit } from "./events";
export { listAuditFacets } from "./facets";
export { currentApiTokenId, withApiToken } from "./via-token";
