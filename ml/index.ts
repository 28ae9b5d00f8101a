/** Loupe ML core: the public API. See ml/README.md. */
export type { TextInput, FeatureConfig, SparseBatch } from "./features";
export { DEFAULT_FEATURES, featurize, tokenize } from "./features";
export { initBackend, availableBackends, currentBackend, type BackendPreference } from "./backend";
export { trainModel, trainOnFeatures, type TrainOptions, type TrainProgress, type TrainData } from "./train";
export { TrainedModel, type ModelConfig, type TrainingFigures, type PredictOptions } from "./model";
export type { Prediction, Calibration } from "./prediction";
export { predictionsFromLogitArray } from "./prediction";
export {
  fitCalibration,
  expectedCalibrationError,
  reliabilityDiagram,
  type CalibrationFit,
  type CalibrationMethod,
  type ReliabilityBin,
} from "./calibration";
export { calibrateModel } from "./calibrate-model";
export { crossFitLogits, crossFitFeatures, type CrossFitOptions } from "./cross-fit";
export {
  confidentJointFlags,
  findLabelErrors,
  selfConfidenceThresholds,
  softmaxRows,
  type FindLabelErrorsOptions,
  type LabelErrorFlag,
  type LabelErrorInput,
  type ProbabilityRows,
} from "./label-errors";
export {
  crossFitLabelErrors,
  LABEL_ERROR_FOLDS,
  type CrossFitLabelErrorOptions,
  type LabelErrorRun,
} from "./label-errors-cross-fit";
export { fitBestCalibration, type CalibrationChoice } from "./calibration-select";
export {
  certificationMinimum,
  firstLookAt,
  selectThresholds,
  isAutoAccepted,
  type Thresholds,
  type CurvePoint,
  type BoundMethod,
} from "./thresholds";
export { wilsonLower, wilsonInterval, clopperPearsonLower } from "./stats";
export {
  selectForReview,
  coldStartSample,
  uncertaintyScore,
  type Strategy,
  type ReviewCandidate,
  type ReviewPick,
} from "./strategies";
export {
  evaluate,
  oracleCoverage,
  type Evaluation,
  type ClassFigures,
  type Confusion,
  type CoverageAtTarget,
} from "./evaluate";
export { serializeModel, deserializeModel, sha256Hex, type SerializedModel } from "./serialize";
export { createParallelScorer, type ParallelScorer } from "./parallel-scorer";
export {
  buildTaxonomy,
  levelProbabilities,
  likelyAncestors,
  confidentAncestor,
  ancestorAt,
  isUnder,
  PATH_SEPARATOR,
  type Taxonomy,
  type TaxonomyLevel,
  type AncestorProbability,
} from "./taxonomy";
