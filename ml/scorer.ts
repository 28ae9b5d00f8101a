/**
 * What calibration, certification and evaluation need of a model: predictions under a
 * given calibration, raw logits, and a calibration fitted on labelled inputs. A model of
 * this thread and one that lives in the compute thread (ml/compute.ts) both answer it.
 */
import { calibrationOnLogits, type CalibrationFitting } from "./certified-calibration";
import type { TextInput } from "./features";
import type { PredictOptions, TrainedModel } from "./model";
import type { Calibration, Prediction } from "./prediction";

export type { CalibrationFitting };

export interface ModelScorer {
  readonly numClasses: number;
  predict(inputs: readonly TextInput[], cal: Calibration, opts?: PredictOptions): Promise<Prediction[]>;
  /** Raw (uncalibrated) logits [n × numClasses], row-major. */
  logits(inputs: readonly TextInput[]): Promise<Float32Array>;
  /** Post-hoc calibration fitted on the model's raw logits of `inputs`. */
  fitCalibration(
    inputs: readonly TextInput[],
    labels: readonly number[],
    how: CalibrationFitting,
  ): Promise<Calibration>;
}

/** A model of this thread as a scorer (the calibration goes with each call, so scorers may share a model). */
export function localScorer(model: TrainedModel): ModelScorer {
  return {
    numClasses: model.numClasses,
    predict: (inputs, cal, opts) => model.predict(inputs, { ...opts, calibration: cal }),
    logits: async (inputs) => model.logits(inputs),
    fitCalibration: async (inputs, labels, how) =>
      calibrationOnLogits(model.logits(inputs), labels, model.numClasses, how),
  };
}
