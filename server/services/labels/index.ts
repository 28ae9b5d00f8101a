/**
 * The labels domain owns the `labels` table: one current label per item, and
 * every write to it. Which source wins is decided in precedence.ts alone.
 */
export { lockLabels, restoreLabel, snapshotOf } from "./current";
export type { CurrentLabel } from "./current";
export { LABEL_PRECEDENCE, mayReplace } from "./precedence";
export type { LabelSource } from "./precedence";
export { awaitingAudit, sampledForAudit } from "./audit-sample-sql";
export { disputedLabel, secondOpinionGiven, standingSecondOpinion } from "./second-opinion-sql";
export { applyAutoLabels, revokeVersionAutoLabels } from "./write-auto";
export type { AutoLabelRange } from "./write-auto";
export { humanLabelFromAnnotation, writeHumanLabels } from "./write-human";
export { writeImportLabels } from "./write-import";
export {
  LABEL_CHANGE_COUNT_CAP,
  LABEL_CURSOR_START,
  formatLabelCursor,
  labelChangesAfter,
  parseLabelCursor,
  readLabelChanges,
} from "./changes";
export type { LabelChange, LabelCursor } from "./changes";
export { PULL_LIMIT_DEFAULT, PULL_LIMIT_MAX, pullLabelChanges } from "./pull";
export type { PulledLabelChange } from "./pull";
