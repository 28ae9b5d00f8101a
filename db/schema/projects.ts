/** Projects, their members and their taxonomy. */
import { index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { ts, createdAt } from "./columns";
import { users } from "./accounts";
import { roleEnum } from "./enums";

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
  /**
   * Share of queue slots given to uniform random picks of unlabelled pool items,
   * whose decisions become the gold set (evaluation picks). null (or absent) =
   * automatic: a high share while the gold set is too small for the precision
   * target, a maintenance share after.
   */
  evaluationRate?: number | null;
  /** Evaluation items are shown without the model's suggestion (it would anchor people and grade the model by itself). */
  hideSuggestionOnEvaluation?: boolean;
  /**
   * Audits of auto-accepts tell the annotator that the model labelled the item (and show that label). Off by
   * default: a blind audit measures the auto label's precision without the person deferring to it.
   */
  revealAuditSource?: boolean;
  /** Share of queue slots given to labels the label-error detector suspects. */
  suspectRate?: number;
  /** Labels suspected wrong and not yet reviewed are left out of training. */
  excludeSuspectsFromTraining?: boolean;
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
  /**
   * Projects are archived, never deleted (their history is append-only): an archived
   * project answers "not found" to everyone but instance admins restoring it, and its
   * jobs stop. Null = live.
   */
  archivedAt: ts("archived_at"),
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
