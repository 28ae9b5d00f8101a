/** Model versions, their calibrations and their predictions. */
import { sql } from "drizzle-orm";
import { doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { bytea, ts, createdAt } from "./columns";
import { users } from "./accounts";
import { modelStatusEnum, modelTriggerEnum } from "./enums";
import { items } from "./items";
import { projects } from "./projects";

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

/**
 * A version's model blob in parts of ARTIFACT_PART_BYTES (64 KiB), in order. One multi-megabyte
 * bytea took 1.5 s to write and 0.8 s to read on PGlite, holding its one connection
 * (every request of the demo) all along; parts are written and read one statement each.
 * Versions stored before parts existed keep their blob in model_versions.artifact.
 */
export const modelArtifactParts = pgTable(
  "model_artifact_parts",
  {
    modelVersionId: integer("model_version_id")
      .notNull()
      .references(() => modelVersions.id, { onDelete: "cascade" }),
    part: integer("part").notNull(),
    bytes: bytea("bytes").notNull(),
  },
  (t) => [primaryKey({ columns: [t.modelVersionId, t.part] })],
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
    /** `targetPrecision` and `reason` (why nothing was certified) are absent on calibrations stored before they were kept. */
    thresholds: jsonb("thresholds")
      .$type<{ global: number | null; perClass: (number | null)[]; targetPrecision?: number; reason?: string | null }>()
      .notNull(),
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
    /**
     * The most likely ancestor path per taxonomy level above the leaves, top level first, with its
     * probability (the sum over its categories). Null before issue 17's scoring, or in a flat taxonomy.
     */
    ancestors: jsonb("ancestors").$type<{ path: string; prob: number }[]>(),
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
