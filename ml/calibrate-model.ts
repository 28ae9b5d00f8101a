import { type CalibrationFit, type CalibrationMethod, fitCalibration } from "./calibration";
import type { TextInput } from "./features";
import type { TrainedModel } from "./model";

/**
 * Fits calibration on labelled items that were drawn at random (a calibration
 * split, gold items) and installs it on the model. Returns the fit figures.
 */
export function calibrateModel(
  model: TrainedModel,
  data: { inputs: readonly TextInput[]; labels: readonly number[] },
  method: CalibrationMethod = "temperature",
): CalibrationFit {
  const fit = fitCalibration({
    logits: model.logits(data.inputs),
    labels: data.labels,
    numClasses: model.numClasses,
    method,
  });
  model.setCalibration(fit.calibration);
  return fit;
}
