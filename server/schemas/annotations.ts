import { z } from "zod";
import { ClientZone, Id, ProjectId } from "./common";

/** Client-generated per decision; a retry sends the same key. */
const IdempotencyKey = z.uuid();
/** A day at most: longer values are a stuck tab, not time spent. */
const TimeSpentMs = z.number().int().min(0).max(86_400_000);

export const AnnotationsSubmitInput = z
  .object({
    projectId: ProjectId,
    itemId: Id,
    leaseToken: z.uuid(),
    idempotencyKey: IdempotencyKey,
    action: z.enum(["accept", "correct", "reject", "skip"]),
    categoryId: Id.optional(),
    timeSpentMs: TimeSpentMs,
    /** The model version whose suggestion was on screen (from queue.next). */
    modelVersionId: Id.optional(),
  })
  .refine((v) => v.action !== "correct" || v.categoryId !== undefined, {
    message: "A correction needs a category",
    path: ["categoryId"],
  });

const BatchDecision = z
  .object({ itemId: Id, action: z.enum(["accept", "correct", "reject"]), categoryId: Id.optional() })
  .refine((v) => v.action !== "correct" || v.categoryId !== undefined, {
    message: "A correction needs a category",
    path: ["categoryId"],
  });

export const AnnotationsSubmitBatchInput = z.object({
  projectId: ProjectId,
  decisions: z
    .array(BatchDecision)
    .min(1)
    .max(500)
    .refine((ds) => new Set(ds.map((d) => d.itemId)).size === ds.length, {
      message: "Each item may appear only once in a batch",
    }),
  idempotencyKey: IdempotencyKey,
  modelVersionId: Id.optional(),
  timeSpentMs: TimeSpentMs.optional(),
});

export const AnnotationsUndoInput = z.object({
  projectId: ProjectId,
  idempotencyKey: IdempotencyKey,
  /** The decision the client believes is the last one; refused if it is not. */
  annotationId: Id.optional(),
});

export const AnnotationsUndoBatchInput = z.object({
  projectId: ProjectId,
  idempotencyKey: IdempotencyKey,
  /** The batch's decisions as submitBatch returned them; all are undone or none. */
  annotationIds: z
    .array(Id)
    .min(1)
    .max(500)
    .refine((ids) => new Set(ids).size === ids.length, { message: "Each decision may appear only once" }),
});

export const AnnotationsListMineInput = z.object({
  projectId: ProjectId,
  limit: z.number().int().min(1).max(100).default(20),
  ...ClientZone,
});
