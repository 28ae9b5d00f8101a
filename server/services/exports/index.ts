export { EXPORT_CONTENT_TYPES, exportLabels, exportLabelsText } from "./export-labels";
export { neutraliseCsvCell } from "./format";
