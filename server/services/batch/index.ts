export { activateVersion, seedScoredPool } from "./batch-fixtures";
export { batchFacets } from "./facets";
export { listBatch } from "./list";
