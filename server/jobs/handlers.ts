/** Job handlers: validate the payload, call a service. Each is safe to run twice. */
import { z } from "zod";
import type { Db } from "@/db/client";
import { recalibrate } from "@/server/services/calibration";
import { scoreRange } from "@/server/services/scoring";
import { runTraining } from "@/server/services/training";
import { TRAIN_ABORT_MARGIN_SECONDS, TRAIN_EXPIRE_SECONDS } from "./queues";

const id = z.number().int().positive();
export const TrainPayload = z.object({ projectId: id, versionId: id });
export const RecalibratePayload = z.object({
  projectId: id,
  reason: z.enum(["manual", "audits", "schedule", "audit_failure"]),
  actorId: id.nullable(),
});
export const ScorePayload = z.object({
  projectId: id,
  versionId: id,
  calibrationId: id.nullable(),
  fromId: id,
  toId: id,
});

export type HandlerOptions = { epochs?: number; stopSignal?: AbortSignal };

export async function handleTrain(db: Db, job: { id: string; data: unknown }, o: HandlerOptions = {}) {
  const data = TrainPayload.parse(job.data);
  const deadline = AbortSignal.timeout((TRAIN_EXPIRE_SECONDS - TRAIN_ABORT_MARGIN_SECONDS) * 1000);
  const signal = o.stopSignal ? AbortSignal.any([deadline, o.stopSignal]) : deadline;
  return runTraining(db, data.versionId, { epochs: o.epochs, signal, jobId: job.id });
}

export async function handleRecalibrate(db: Db, job: { data: unknown }) {
  const data = RecalibratePayload.parse(job.data);
  const res = await recalibrate(db, data);
  return res ? { calibrationId: res.calibrationId } : { skipped: true };
}

export async function handleScore(db: Db, job: { data: unknown }) {
  return scoreRange(db, ScorePayload.parse(job.data));
}
