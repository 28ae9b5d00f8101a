export { settleFollowups } from "./followups";
export { listMyDecisions } from "./list-mine";
export type { ListMyDecisionsInput, MyDecisions } from "./list-mine";
export { submitAnnotation } from "./submit";
export type { SubmitAnnotationInput } from "./submit";
export { submitAnnotationBatch } from "./submit-batch";
export type { SubmitAnnotationBatchInput } from "./submit-batch";
export { undoAnnotation } from "./undo";
export type { UndoAnnotationInput } from "./undo";
