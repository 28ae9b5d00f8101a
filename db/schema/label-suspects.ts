/** Labels suspected to be wrong (confident learning on out-of-fold probabilities), and what people said of them. */
import { sql } from "drizzle-orm";
import { bigint, doublePrecision, index, integer, pgTable, uniqueIndex } from "drizzle-orm/pg-core";
import { ts, createdAt } from "./columns";
import { users } from "./accounts";
import { suspectStatusEnum } from "./enums";
import { categories, projects } from "./projects";
import { items } from "./items";

export const labelSuspects = pgTable(
  "label_suspects",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    projectId: integer("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    itemId: integer("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    /** The training run after which the detector flagged it. */
    modelVersionId: integer("model_version_id").notNull(),
    /** The label as it was when flagged; a suspect whose label changed since is no longer open. */
    givenCategoryId: integer("given_category_id")
      .notNull()
      .references(() => categories.id),
    suggestedCategoryId: integer("suggested_category_id")
      .notNull()
      .references(() => categories.id),
    /** Out-of-fold probability of the suggested class minus that of the given one: the ranking. */
    score: doublePrecision("score").notNull(),
    givenProbability: doublePrecision("given_probability").notNull(),
    suggestedProbability: doublePrecision("suggested_probability").notNull(),
    status: suspectStatusEnum("status").notNull().default("open"),
    resolvedAt: ts("resolved_at"),
    resolvedById: integer("resolved_by_id").references(() => users.id),
    annotationId: bigint("annotation_id", { mode: "number" }),
    createdAt: createdAt(),
  },
  (t) => [
    // One open suspicion per item: a new detection run replaces it.
    uniqueIndex("label_suspects_open_uq")
      .on(t.itemId)
      .where(sql`status = 'open'`),
    index("label_suspects_project_status_idx").on(t.projectId, t.status, t.score),
    index("label_suspects_project_created_idx").on(t.projectId, t.createdAt),
  ],
);
