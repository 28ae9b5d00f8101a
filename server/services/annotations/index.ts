export { afterDecisions } from "./followups";
export { listMyDecisions, startOfDay } from "./list-mine";
export { submitAnnotation } from "./submit";
export { submitBatch } from "./submit-batch";
export { undoLastDecision } from "./undo";
