/** Job handlers: validate the payload, call a service. Each is safe to run twice. */
import type { Db } from "@/db/client";
import { recalibrate } from "@/server/services/calibration";
import { detectLabelErrors } from "@/server/services/label-errors";
import { scoreRange } from "@/server/services/scoring";
import { runTraining } from "@/server/services/training";
import { attemptDelivery, type DeliveryOptions } from "@/server/services/webhooks";
import { LabelErrorsPayload, RecalibratePayload, ScorePayload, TrainPayload, WebhookPayload } from "./payloads";
import { TRAIN_ABORT_MARGIN_SECONDS, TRAIN_EXPIRE_SECONDS } from "./queues";

export type HandlerOptions = { epochs?: number; stopSignal?: AbortSignal; heartbeatMs?: number };

export async function handleTrain(db: Db, job: { id: string; data: unknown }, o: HandlerOptions = {}) {
  const data = TrainPayload.parse(job.data);
  const deadline = AbortSignal.timeout((TRAIN_EXPIRE_SECONDS - TRAIN_ABORT_MARGIN_SECONDS) * 1000);
  const signal = o.stopSignal ? AbortSignal.any([deadline, o.stopSignal]) : deadline;
  return runTraining(db, data.versionId, { epochs: o.epochs, signal, jobId: job.id, heartbeatMs: o.heartbeatMs });
}

export async function handleRecalibrate(db: Db, job: { data: unknown }) {
  const data = RecalibratePayload.parse(job.data);
  const res = await recalibrate(db, data);
  return res ? { calibrationId: res.calibrationId } : { skipped: true };
}

export async function handleScore(db: Db, job: { data: unknown }) {
  return scoreRange(db, ScorePayload.parse(job.data));
}

export async function handleLabelErrors(db: Db, job: { data: unknown }, o: HandlerOptions = {}) {
  return detectLabelErrors(db, LabelErrorsPayload.parse(job.data), { epochs: o.epochs, signal: o.stopSignal });
}

/** One delivery attempt; a failure is recorded and rescheduled by the service, never thrown to pg-boss. */
export async function handleWebhook(db: Db, job: { data: unknown }, o: Partial<DeliveryOptions> = {}) {
  const data = WebhookPayload.parse(job.data);
  return { outcome: await attemptDelivery(db, data.deliveryId, o) };
}
