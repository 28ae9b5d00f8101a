import {
  type CalibrationFit,
  type CalibrationMethod,
  confidenceAndCorrect,
  expectedCalibrationError,
  fitCalibration,
} from "./calibration";
import { createRng, permutation } from "./rng";
import * as tf from "@tensorflow/tfjs";

export type CalibrationChoice = CalibrationFit & {
  chosen: CalibrationMethod;
  heldOutEce: Record<CalibrationMethod, number>;
};

function subset(logits: Float32Array, labels: ArrayLike<number>, idx: Int32Array, k: number) {
  const l = new Float32Array(idx.length * k);
  idx.forEach((r, i) => l.set(logits.subarray(r * k, (r + 1) * k), i * k));
  return { logits: l, labels: Array.from(idx, (r) => labels[r] as number) };
}

function heldOutEceOf(
  fitOn: ReturnType<typeof subset>,
  evalOn: ReturnType<typeof subset>,
  k: number,
  method: CalibrationMethod,
): number {
  const cal = fitCalibration({ ...fitOn, numClasses: k, method }).calibration;
  const lt = tf.tensor2d(evalOn.logits, [evalOn.labels.length, k]);
  const yt = tf.tensor1d(Int32Array.from(evalOn.labels), "int32");
  const { conf, correct } = confidenceAndCorrect(lt, yt, cal);
  tf.dispose([lt, yt]);
  return expectedCalibrationError(conf, correct);
}

/**
 * Picks temperature, temperature+bias or temperature+isotonic by 2-fold
 * held-out ECE on the calibration split (in-sample figures always favour the
 * richer method), then refits the winner on the whole split.
 */
export function fitBestCalibration(args: {
  logits: Float32Array;
  labels: ArrayLike<number>;
  numClasses: number;
  seed?: number;
}): CalibrationChoice {
  const k = args.numClasses;
  const n = args.labels.length;
  const perm = permutation(n, createRng(args.seed ?? 1));
  const a = subset(args.logits, args.labels, perm.subarray(0, n >> 1), k);
  const b = subset(args.logits, args.labels, perm.subarray(n >> 1), k);
  const methods: CalibrationMethod[] = ["temperature", "temperature+bias", "temperature+isotonic"];
  const scores = {} as Record<CalibrationMethod, number>;
  for (const m of methods) scores[m] = (heldOutEceOf(a, b, k, m) + heldOutEceOf(b, a, k, m)) / 2;
  const chosen = methods.reduce((best, m) => (scores[m] < scores[best] ? m : best), "temperature" as CalibrationMethod);
  return {
    ...fitCalibration({ logits: args.logits, labels: args.labels, numClasses: k, method: chosen }),
    chosen,
    heldOutEce: scores,
  };
}
