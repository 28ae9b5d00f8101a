/**
 * Loupe's domain in one schema, shared by Postgres and PGlite.
 * snake_case in SQL, camelCase in TypeScript. Ids are identity integers
 * (bigint-safe ranges are not needed at this scale; item ids stay dense so
 * pool scoring can be split into id ranges).
 */
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
});

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
const createdAt = () => ts("created_at").notNull().defaultNow();

export const roleEnum = pgEnum("role", ["annotator", "reviewer", "ml_engineer", "manager", "admin"]);
export const splitEnum = pgEnum("item_split", ["pool", "test"]);
export const labelSourceEnum = pgEnum("label_source", ["human", "auto", "import"]);
export const annotationActionEnum = pgEnum("annotation_action", ["accept", "correct", "reject", "skip", "undo"]);
export const pickReasonEnum = pgEnum("pick_reason", ["uncertain", "audit", "cold_start", "random", "overlap"]);
export const modelStatusEnum = pgEnum("model_status", ["queued", "training", "ready", "failed", "cancelled"]);
export const modelTriggerEnum = pgEnum("model_trigger", ["manual", "labels", "schedule", "initial"]);

export const users = pgTable("users", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  passwordHash: text("password_hash").notNull(),
  /** Instance administrator: may create projects and users everywhere. */
  isAdmin: boolean("is_admin").notNull().default(false),
  disabledAt: ts("disabled_at"),
  createdAt: createdAt(),
});

export const sessions = pgTable(
  "sessions",
  {
    /** sha256 of the cookie token: a database leak does not leak live sessions. */
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: ts("expires_at").notNull(),
    revokedAt: ts("revoked_at"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const loginFailures = pgTable(
  "login_failures",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    key: text("key").notNull(),
    at: ts("at").notNull().defaultNow(),
  },
  (t) => [index("login_failures_key_at_idx").on(t.key, t.at)],
);

export type ProjectSettings = {
  strategy: "least_confidence" | "margin" | "entropy" | "random";
  diversity: boolean;
  batchSize: number;
  precisionTarget: number;
  auditRate: number;
  /**
   * Share of queue slots that ask a second person for a blind decision on an
   * item someone else already decided (overlap picks): inter-annotator
   * agreement. Absent in projects created before it existed: read as 0.
   */
  overlapRate?: number;
  leaseMinutes: number;
  retrainEveryLabels: number;
  retrainScheduleMinutes: number;
  activationMargin: number;
  hourlyCost: number;
};

export const projects = pgTable("projects", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  settings: jsonb("settings").$type<ProjectSettings>().notNull(),
  /** Swapped in one statement on activation/rollback; null until a model passes. */
  activeModelVersionId: integer("active_model_version_id"),
  createdAt: createdAt(),
});

export const memberships = pgTable(
  "memberships",
  {
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: roleEnum("role").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] }), index("memberships_user_idx").on(t.userId)],
);

export const categories = pgTable(
  "categories",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    /** Full path "A > B > C"; the stable identity of a category within its project. */
    path: text("path").notNull(),
    name: text("name").notNull(),
    deletedAt: ts("deleted_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("categories_project_path_uq").on(t.projectId, t.path)],
);

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
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    itemId: integer("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
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

export type ModelMetrics = Record<string, unknown>;

export const modelVersions = pgTable(
  "model_versions",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    status: modelStatusEnum("status").notNull().default("queued"),
    trigger: modelTriggerEnum("trigger").notNull(),
    labelCount: integer("label_count"),
    datasetHash: text("dataset_hash"),
    /** Category ids in model output order. */
    categoryIds: jsonb("category_ids").$type<number[]>(),
    metrics: jsonb("metrics").$type<ModelMetrics>(),
    progress: jsonb("progress").$type<{
      phase: string;
      epoch?: number;
      epochs?: number;
      loss?: number;
      jobId?: string;
    }>(),
    artifact: bytea("artifact"),
    artifactSha256: text("artifact_sha256"),
    backend: text("backend"),
    trainMs: integer("train_ms"),
    error: text("error"),
    currentCalibrationId: integer("current_calibration_id"),
    createdById: integer("created_by_id").references(() => users.id),
    createdAt: createdAt(),
    startedAt: ts("started_at"),
    finishedAt: ts("finished_at"),
    /** Touched by the training worker while it lives; a stale one means the worker died. */
    heartbeatAt: ts("heartbeat_at"),
  },
  (t) => [
    uniqueIndex("model_versions_project_version_uq").on(t.projectId, t.version),
    // The database's guarantee of one training run per project, whatever the job queue does.
    uniqueIndex("model_versions_one_run_uq")
      .on(t.projectId)
      .where(sql`status in ('queued', 'training')`),
  ],
);

/** Calibration of a version: the first from training, later ones from recalibrate jobs. */
export const calibrations = pgTable(
  "calibrations",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    modelVersionId: integer("model_version_id")
      .notNull()
      .references(() => modelVersions.id, { onDelete: "cascade" }),
    kind: text("kind").notNull(),
    params: jsonb("params").$type<Record<string, unknown>>().notNull(),
    thresholds: jsonb("thresholds").$type<{ global: number | null; perClass: (number | null)[] }>().notNull(),
    metrics: jsonb("metrics").$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("calibrations_version_idx").on(t.modelVersionId)],
);

/** Latest prediction per item per model version. */
export const predictions = pgTable(
  "predictions",
  {
    modelVersionId: integer("model_version_id")
      .notNull()
      .references(() => modelVersions.id, { onDelete: "cascade" }),
    itemId: integer("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    categoryId: integer("category_id").notNull(),
    confidence: doublePrecision("confidence").notNull(),
    margin: doublePrecision("margin").notNull(),
    entropy: doublePrecision("entropy").notNull(),
    top: jsonb("top").$type<{ categoryId: number; prob: number }[]>().notNull(),
    embedding: bytea("embedding"),
    scoredAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.modelVersionId, t.itemId] }),
    index("predictions_version_confidence_idx").on(t.modelVersionId, t.confidence),
    index("predictions_project_item_idx").on(t.projectId, t.itemId),
    // Batch review pages by keyset over (confidence, item) within a predicted
    // category, and over (margin, item) unfiltered: both orders straight off an index.
    index("predictions_version_category_confidence_idx").on(t.modelVersionId, t.categoryId, t.confidence, t.itemId),
    index("predictions_version_margin_idx").on(t.modelVersionId, t.margin, t.itemId),
  ],
);

export const metricSnapshots = pgTable(
  "metric_snapshots",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    modelVersionId: integer("model_version_id"),
    kind: text("kind").notNull(),
    metrics: jsonb("metrics").$type<Record<string, unknown>>().notNull(),
    takenAt: createdAt(),
  },
  (t) => [index("metric_snapshots_project_taken_idx").on(t.projectId, t.takenAt)],
);

/** Append-only trail of every state change. */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    projectId: integer("project_id").references(() => projects.id, { onDelete: "cascade" }),
    actorId: integer("actor_id").references(() => users.id),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id"),
    before: jsonb("before"),
    after: jsonb("after"),
    createdAt: createdAt(),
  },
  (t) => [
    index("audit_events_project_created_idx").on(t.projectId, t.createdAt),
    index("audit_events_action_idx").on(t.action),
  ],
);

export const imports = pgTable(
  "imports",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    filename: text("filename").notNull(),
    format: text("format").notNull(),
    status: text("status").notNull(),
    rowCount: integer("row_count").notNull().default(0),
    created: integer("created").notNull().default(0),
    updated: integer("updated").notNull().default(0),
    /** Import labels written (new or replaced). */
    labelCount: integer("label_count").notNull().default(0),
    /** Rows whose category was not applied because a person had already labelled the item. */
    humanLabelsKept: integer("human_labels_kept").notNull().default(0),
    categoriesCreated: integer("categories_created").notNull().default(0),
    errors: jsonb("errors").$type<{ line: number; field: string | null; message: string }[]>(),
    createdById: integer("created_by_id").references(() => users.id),
    createdAt: createdAt(),
    finishedAt: ts("finished_at"),
  },
  (t) => [index("imports_project_idx").on(t.projectId, t.createdAt)],
);
