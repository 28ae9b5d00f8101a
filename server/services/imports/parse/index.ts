export * from "./errors";
export * from "./types";
export { parseImportObjects, parseImportStream, validateImportStream } from "./parse-import";
export { normaliseCategoryPath, type CategoryPathResult } from "./category-path";
export { batchRows } from "./batch";
export { NEUTRALISED_COLUMN, neutraliseCell } from "./formula-guard";
