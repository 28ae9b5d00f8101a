export { ImportRejectedError, WHOLE_FILE_LINE } from "./errors";
export { importItems, importRowsInTx, listImports, textSource } from "./import-items";
export type { ImportResult } from "./import-items";
export {
  formatRowError,
  NEUTRALISED_COLUMN,
  neutraliseCell,
  normaliseCategoryPath,
  parseImportStream,
  validateImportStream,
} from "./parse/index";
export type { ImportFormat, ImportRow, ImportRowError, Split } from "./parse/index";
export { ensureCategories } from "./writer";
export { upsertItems } from "./upsert-items";
