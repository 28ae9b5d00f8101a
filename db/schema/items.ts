/** Items and the work on them: current labels, the append-only annotations, leases. */
import { sql } from "drizzle-orm";
import { bigint, doublePrecision, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { ts, createdAt } from "./columns";
import { users } from "./accounts";
import { splitEnum, labelSourceEnum, annotationActionEnum, pickReasonEnum } from "./enums";
import { projects, categories } from "./projects";

export const items = pgTable(
  "items",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    externalId: text("external_id").notNull(),
    title: text("title").notNull(),
    description: text("description"),
    attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull().default({}),
    split: splitEnum("split").notNull().default("pool"),
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("items_project_external_uq").on(t.projectId, t.externalId),
    index("items_project_split_idx").on(t.projectId, t.split, t.id),
    // The queue's random samples (cold start, audits, the random strategy) walk this
    // fixed pseudo-random key from a random pivot (queue-sql.ts randomKey).
    index("items_project_random_idx").on(t.projectId, t.split, sql`hashint4(${t.id})`),
  ],
);

/** The current label of an item; history lives in annotations. */
export const labels = pgTable(
  "labels",
  {
    itemId: integer("item_id")
      .primaryKey()
      .references(() => items.id, { onDelete: "cascade" }),
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    /** null = a person said no category fits. */
    categoryId: integer("category_id").references(() => categories.id),
    source: labelSourceEnum("source").notNull(),
    annotationId: bigint("annotation_id", { mode: "number" }),
    modelVersionId: integer("model_version_id"),
    /** Confidence of the model when an auto label was set. */
    confidence: doublePrecision("confidence"),
    userId: integer("user_id").references(() => users.id),
    /** When the item was first labelled; `updatedAt` is when the current label was set. */
    createdAt: createdAt(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("labels_project_source_idx").on(t.projectId, t.source),
    index("labels_project_category_idx").on(t.projectId, t.categoryId),
    // The queue's neighbour pool reads a project's most recently labelled items;
    // without this the planner scans every prediction of the version and sorts.
    // Ascending on purpose: read backwards it serves `updated_at desc` (nulls first),
    // which a `desc nulls last` index would not.
    index("labels_project_updated_idx").on(t.projectId, t.updatedAt),
  ],
);

/**
 * The label an annotation replaced. The optional fields let undo restore it in
 * full (who set it, from which annotation or model version); older rows may lack them.
 */
export type PreviousLabel = {
  categoryId: number | null;
  source: string;
  userId?: number | null;
  annotationId?: number | null;
  modelVersionId?: number | null;
  confidence?: number | null;
};

/** Append-only: every human decision, never updated or deleted. */
export const annotations = pgTable(
  "annotations",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    // History is never dropped with its project or item (they are archived, not deleted).
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "restrict" }),
    itemId: integer("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "restrict" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id),
    action: annotationActionEnum("action").notNull(),
    categoryId: integer("category_id").references(() => categories.id),
    suggestedCategoryId: integer("suggested_category_id").references(() => categories.id),
    suggestedConfidence: doublePrecision("suggested_confidence"),
    modelVersionId: integer("model_version_id"),
    reason: pickReasonEnum("reason"),
    timeSpentMs: integer("time_spent_ms"),
    idempotencyKey: text("idempotency_key").notNull(),
    undoesAnnotationId: bigint("undoes_annotation_id", { mode: "number" }),
    /** The label before this decision, so undo can restore it. */
    previousLabel: jsonb("previous_label").$type<PreviousLabel | null>(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("annotations_user_key_uq").on(t.userId, t.idempotencyKey),
    /** A decision can be undone once: two concurrent undos cannot both restore it. */
    uniqueIndex("annotations_undoes_uq")
      .on(t.undoesAnnotationId)
      .where(sql`undoes_annotation_id is not null`),
    index("annotations_project_item_idx").on(t.projectId, t.itemId),
    index("annotations_project_user_idx").on(t.projectId, t.userId, t.createdAt),
    index("annotations_project_created_idx").on(t.projectId, t.createdAt),
  ],
);

/** One row per item at most: the primary key is the database's guarantee of one live lease. */
export const leases = pgTable(
  "leases",
  {
    itemId: integer("item_id")
      .primaryKey()
      .references(() => items.id, { onDelete: "cascade" }),
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    token: uuid("token").notNull().defaultRandom(),
    reason: pickReasonEnum("reason").notNull(),
    score: doublePrecision("score"),
    expiresAt: ts("expires_at").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("leases_project_user_idx").on(t.projectId, t.userId), index("leases_expires_idx").on(t.expiresAt)],
);
