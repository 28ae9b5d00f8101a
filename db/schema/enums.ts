/** Postgres enums shared by the tables. */
import { pgEnum } from "drizzle-orm/pg-core";

export const roleEnum = pgEnum("role", ["annotator", "reviewer", "ml_engineer", "manager", "admin"]);
export const splitEnum = pgEnum("item_split", ["pool", "test"]);
export const labelSourceEnum = pgEnum("label_source", ["human", "auto", "import"]);
export const annotationActionEnum = pgEnum("annotation_action", ["accept", "correct", "reject", "skip", "undo"]);
export const pickReasonEnum = pgEnum("pick_reason", ["uncertain", "audit", "cold_start", "random", "overlap"]);
export const modelStatusEnum = pgEnum("model_status", ["queued", "training", "ready", "failed", "cancelled"]);
export const modelTriggerEnum = pgEnum("model_trigger", ["manual", "labels", "schedule", "initial"]);
