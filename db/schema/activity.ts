/** What happened over time: metric snapshots, the audit trail, import runs. */
import { bigint, index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { ts, createdAt } from "./columns";
import { apiTokens, users } from "./accounts";
import { projects } from "./projects";

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
    projectId: integer("project_id").references(() => projects.id, { onDelete: "restrict" }),
    actorId: integer("actor_id").references(() => users.id),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id"),
    before: jsonb("before"),
    after: jsonb("after"),
    /** Set when the change was made through an API token (which one). */
    apiTokenId: integer("api_token_id").references(() => apiTokens.id),
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
