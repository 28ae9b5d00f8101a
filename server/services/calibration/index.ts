export { applyCalibration, recalibrate } from "./recalibrate";
export type { NewCalibration, RecalibrateReason } from "./recalibrate";
export { requestRecalibration } from "./request";
export type { RequestRecalibrationInput } from "./request";
