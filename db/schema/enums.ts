/** Postgres enums shared by the tables. */
import { pgEnum } from "drizzle-orm/pg-core";

export const roleEnum = pgEnum("role", ["annotator", "reviewer", "ml_engineer", "manager", "admin"]);
export const splitEnum = pgEnum("item_split", ["pool", "test"]);
export const labelSourceEnum = pgEnum("label_source", ["human", "auto", "import"]);
export const annotationActionEnum = pgEnum("annotation_action", ["accept", "correct", "reject", "skip", "undo"]);
/**
 * Why an item was handed to a person: the model is unsure (uncertain), an audit
 * of an auto label, the first picks without a model (cold_start), a random pick,
 * a blind second opinion (overlap), a uniform sample whose decision measures the
 * model (evaluation), or a label suspected to be wrong (suspect).
 */
export const pickReasonEnum = pgEnum("pick_reason", [
  "uncertain",
  "audit",
  "cold_start",
  "random",
  "overlap",
  "evaluation",
  "suspect",
]);
export const suspectStatusEnum = pgEnum("suspect_status", ["open", "confirmed", "kept", "superseded"]);
export const modelStatusEnum = pgEnum("model_status", ["queued", "training", "ready", "failed", "cancelled"]);
export const modelTriggerEnum = pgEnum("model_trigger", ["manual", "labels", "schedule", "initial"]);
/** pending: waiting for its first or next attempt; failed: retries exhausted (a person may resend). */
export const webhookDeliveryStatusEnum = pgEnum("webhook_delivery_status", ["pending", "succeeded", "failed"]);
