export { applyCalibration, recalibrate } from "./recalibrate";
