export { listBatchFacets } from "./facets";
export { listBatch } from "./list";
