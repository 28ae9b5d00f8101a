export { listAuditEvents, recordAudit } from "./events";
export { listAuditFacets } from "./facets";
