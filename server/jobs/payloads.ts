/**
 * What each job carries, as zod schemas: the sender's type and the handler's
 * check come from the same definition, so they cannot drift apart.
 */
import { z } from "zod";

const id = z.number().int().positive();

export const TrainPayload = z.object({ projectId: id, versionId: id });

export const RECALIBRATE_REASONS = ["manual", "audits", "schedule", "audit_failure"] as const;
export const RecalibratePayload = z.object({
  projectId: id,
  reason: z.enum(RECALIBRATE_REASONS),
  actorId: id.nullable(),
});

/** One id range of a project's pool, scored with one version under one calibration. */
export const ScorePayload = z.object({
  projectId: id,
  versionId: id,
  calibrationId: id.nullable(),
  fromId: id,
  toId: id,
});

/** Label-error detection after a training run stored this ready version. */
export const LabelErrorsPayload = z.object({ projectId: id, versionId: id });

/** One attempt of one webhook delivery; `notBeforeMs` schedules a retry (epoch ms). */
export const WebhookPayload = z.object({
  projectId: id,
  deliveryId: id,
  notBeforeMs: z.number().int().nonnegative().optional(),
});

export const JOB_PAYLOADS = {
  train: TrainPayload,
  recalibrate: RecalibratePayload,
  score: ScorePayload,
  labelErrors: LabelErrorsPayload,
  webhook: WebhookPayload,
} as const;

export type JobName = keyof typeof JOB_PAYLOADS;
export type JobData = { [N in JobName]: z.infer<(typeof JOB_PAYLOADS)[N]> };
