/**
 * What pipelines read and receive: the change log of labels (the pull API's cursor
 * walks it) and webhook subscriptions with their deliveries.
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { ts, createdAt } from "./columns";
import { users } from "./accounts";
import { labelSourceEnum, webhookDeliveryStatusEnum } from "./enums";
import { projects } from "./projects";

/**
 * One row per change of an item's current label, written by triggers on `labels`
 * (migration 0013), so no writer can forget it. `tx` is the writing transaction's id:
 * a reader returns only rows of transactions older than every one still running
 * (`pg_snapshot_xmin`), ordered by (tx, id), so a cursor never skips a change that
 * commits late. `deleted` marks a tombstone (an undo that left the item unlabelled).
 */
export const labelChanges = pgTable(
  "label_changes",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    projectId: integer("project_id").notNull(),
    itemId: integer("item_id").notNull(),
    tx: bigint("tx", { mode: "bigint" })
      .notNull()
      .default(sql`(pg_current_xact_id()::text)::bigint`),
    deleted: boolean("deleted").notNull().default(false),
    categoryId: integer("category_id"),
    source: labelSourceEnum("source"),
    annotationId: bigint("annotation_id", { mode: "number" }),
    modelVersionId: integer("model_version_id"),
    confidence: doublePrecision("confidence"),
    userId: integer("user_id"),
    changedAt: createdAt(),
  },
  (t) => [index("label_changes_project_tx_idx").on(t.projectId, t.tx, t.id)],
);

/** A project's subscription of one URL to some events. */
export const webhooks = pgTable(
  "webhooks",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    /** Standard Webhooks signing secret (`whsec_` + base64); shown to the admin who made it. */
    secret: text("secret").notNull(),
    events: text("events").array().notNull(),
    description: text("description"),
    active: boolean("active").notNull().default(true),
    /** labels.changed: the last label_changes cursor already announced. */
    labelsCursor: text("labels_cursor"),
    createdById: integer("created_by_id").references(() => users.id),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    deletedAt: ts("deleted_at"),
  },
  (t) => [index("webhooks_project_idx").on(t.projectId)],
);

/** One message to one webhook, with its attempts; the message id is the receiver's idempotency key. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    webhookId: integer("webhook_id")
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    projectId: integer("project_id").notNull(),
    messageId: text("message_id").notNull(),
    eventType: text("event_type").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull(),
    status: webhookDeliveryStatusEnum("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    /** At most a short excerpt of the receiver's answer. */
    responseExcerpt: text("response_excerpt"),
    nextAttemptAt: ts("next_attempt_at"),
    createdAt: createdAt(),
    lastAttemptAt: ts("last_attempt_at"),
    deliveredAt: ts("delivered_at"),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_message_uq").on(t.webhookId, t.messageId),
    index("webhook_deliveries_webhook_created_idx").on(t.webhookId, t.createdAt),
    // The tick and each emitting change look for due pending deliveries: only those are indexed.
    index("webhook_deliveries_pending_idx")
      .on(t.projectId, t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    index("webhook_deliveries_project_idx").on(t.projectId, t.id),
  ],
);
