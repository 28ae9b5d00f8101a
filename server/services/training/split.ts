/**
 * How a training snapshot is divided, a pure computation: people's and
 * imported pool labels train the model except a hashed share held out to fit
 * its calibration; gold items and audit decisions are never trained on, since
 * they are the random-sample evidence that certifies thresholds and gates
 * activation. The gold certifies the threshold and fits nothing; the
 * calibration is fitted on the hold-out and the audits, so no certifying label
 * shapes the confidences it certifies (ml/certified-calibration.ts).
 */
import type { LabelledItem } from "@/ml/evaluate-labelled";
import { itemShare, type Snapshot } from "./snapshot";

/** Share of the pool's human/import labels held out to fit the calibration. */
export const CALIBRATION_SHARE = 0.15;

/**
 * The hold-out is drawn by one seed per project, the same for every version:
 * an item once trained on stays in training, so the training count only falls
 * when labels leave it (audited, turned gold, excluded as suspect). A seed per
 * version re-drew the 15 % each time and the count wandered by a few dozen.
 */
export const splitSeedOf = (projectId: number): number => projectId;

export type SnapshotSplit = {
  train: LabelledItem[];
  /** Pool labels held out of training (fit the calibration; the gate's unseen evidence). */
  holdOut: LabelledItem[];
  /** What the calibration is fitted on: the hold-out and the audits. */
  calibration: LabelledItem[];
  /** What thresholds are certified on: the gold, which fits nothing. */
  certification: LabelledItem[];
};

export function splitSnapshot(s: Pick<Snapshot, "pool" | "gold" | "audits">, seed: number): SnapshotSplit {
  const audited = new Set(s.audits.map((a) => a.itemId));
  const pool = s.pool.filter((r) => !audited.has(r.itemId));
  const train = pool.filter((r) => itemShare(r.itemId, seed) >= CALIBRATION_SHARE);
  const holdOut = pool.filter((r) => itemShare(r.itemId, seed) < CALIBRATION_SHARE);
  return { train, holdOut, calibration: [...holdOut, ...s.audits], certification: s.gold };
}
