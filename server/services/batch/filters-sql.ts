/**
 * The pieces of the batch-review query that the page, its count and its
 * facets share: which model version, which rows, in which order.
 */
import { and, asc, desc, eq, gte, isNull, lte, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { categories, labels, labelSuspects, modelVersions, predictions, projects } from "@/db/schema";
import { NotFoundError } from "@/server/errors";
import { tableAs } from "@/db/sql";
import { awaitingAudit as awaitingAuditLabel, disputedLabel } from "@/server/services/labels";
import type { BATCH_LABEL_STATES, BATCH_REASONS, BATCH_SORTS } from "@/lib/constants";
import { PATH_SEPARATOR } from "@/ml/taxonomy";

export type BatchSort = (typeof BATCH_SORTS)[number];
export type BatchReason = (typeof BATCH_REASONS)[number];
export type BatchLabelState = (typeof BATCH_LABEL_STATES)[number];

export type BatchFilters = {
  categoryId?: number;
  /** A parent path: predicted categories equal to it or under it ("Frozen" → "Frozen > …"). */
  within?: string;
  minConfidence?: number;
  maxConfidence?: number;
  reason: BatchReason;
  labelState: BatchLabelState;
};

export type ActiveVersion = { id: number; version: number };

/** The project's active model version, or null before one has passed its gate. */
export async function activeVersion(db: DbOrTx, projectId: number): Promise<ActiveVersion | null> {
  const [row] = await db
    .select({ id: modelVersions.id, version: modelVersions.version })
    .from(projects)
    .innerJoin(
      modelVersions,
      and(eq(modelVersions.id, projects.activeModelVersionId), eq(modelVersions.projectId, projectId)),
    )
    .where(eq(projects.id, projectId))
    .limit(1);
  return row ?? null;
}

/** A category of another project is NOT_FOUND, not an empty page: ids must not probe other tenants. */
export async function assertCategoryInProject(db: DbOrTx, projectId: number, categoryId: number): Promise<void> {
  const [c] = await db
    .select({ id: categories.id })
    .from(categories)
    .where(and(eq(categories.projectId, projectId), eq(categories.id, categoryId)))
    .limit(1);
  if (!c) throw new NotFoundError("Category");
}

/**
 * An auto label in the audit sample that nobody has audited since it was set:
 * what the queue serves as audits (labels/audit-sample-sql.ts). Needs `labels`
 * joined on the prediction's item.
 */
export function awaitingAudit(projectId: number, auditRate: number): SQL<boolean> {
  return awaitingAuditLabel(
    projectId,
    { source: labels.source, updatedAt: labels.updatedAt, itemId: labels.itemId },
    auditRate,
  );
}

/**
 * A human label that a standing second opinion (overlap pick) disagrees with,
 * not settled since: a new human label, e.g. from this grid, clears it.
 * Needs `labels` joined on the prediction's item.
 */
export function disputed(projectId: number): SQL<boolean> {
  return disputedLabel(projectId, predictions.itemId, labels);
}

/**
 * A label the label-error detector flagged and nobody has decided since, while it
 * is still the label that was flagged. Needs `labels` joined on the prediction's item.
 */
export function suspected(projectId: number): SQL<boolean> {
  const ls = tableAs(labelSuspects, "ls");
  return sql<boolean>`exists (
    select 1 from ${ls.from}
    where ${ls.t.projectId} = ${projectId} and ${ls.t.itemId} = ${predictions.itemId} and ${ls.t.status} = 'open'
      and ${ls.t.givenCategoryId} = ${labels.categoryId}
  )`;
}

/**
 * The predicted category is the parent itself or one of its descendants. A set of category ids
 * (the project's categories are few) that the planner turns into an index probe per id.
 */
function predictedWithin(projectId: number, parent: string): SQL {
  const c = tableAs(categories, "wc");
  return sql`${predictions.categoryId} in (
    select ${c.t.id} from ${c.from}
    where ${c.t.projectId} = ${projectId} and (${c.t.path} = ${parent} or starts_with(${c.t.path}, ${parent + PATH_SEPARATOR}))
  )`;
}

/** Where clauses over predictions ⋈ items ⋈ labels (left). */
export function filterClauses(projectId: number, versionId: number, f: BatchFilters, auditRate: number): SQL[] {
  const where: (SQL | undefined)[] = [
    eq(predictions.modelVersionId, versionId),
    eq(predictions.projectId, projectId),
    f.categoryId === undefined ? undefined : eq(predictions.categoryId, f.categoryId),
    f.within === undefined ? undefined : predictedWithin(projectId, f.within),
    f.minConfidence === undefined ? undefined : gte(predictions.confidence, f.minConfidence),
    f.maxConfidence === undefined ? undefined : lte(predictions.confidence, f.maxConfidence),
  ];
  if (f.reason === "uncertain") where.push(isNull(labels.itemId));
  if (f.reason === "auto_accepted") where.push(eq(labels.source, "auto"));
  if (f.reason === "audit") where.push(awaitingAudit(projectId, auditRate));
  if (f.reason === "disputed") where.push(disputed(projectId));
  if (f.reason === "suspect") where.push(suspected(projectId));
  if (f.labelState === "unlabelled") where.push(isNull(labels.itemId));
  else if (f.labelState !== "any") where.push(eq(labels.source, f.labelState));
  return where.filter((w): w is SQL => w !== undefined);
}

const sortColumn = (s: BatchSort) => (s.startsWith("margin") ? predictions.margin : predictions.confidence);
const descending = (s: BatchSort) => s.endsWith("_desc");

/** The sort value of a row, as the next page's cursor carries it. */
export function sortValue(s: BatchSort, row: { confidence: number; margin: number }): number {
  return s.startsWith("margin") ? row.margin : row.confidence;
}

/** Item id breaks ties, so the order is total and keyset paging neither skips nor repeats. */
export function orderBy(s: BatchSort): SQL[] {
  const dir = descending(s) ? desc : asc;
  return [dir(sortColumn(s)), dir(predictions.itemId)];
}

/** Rows strictly after the cursor in the sort order: one row comparison an index can seek to. */
export function afterCursor(s: BatchSort, cursor: { value: number; itemId: number }): SQL {
  const col = sortColumn(s);
  return descending(s)
    ? sql`(${col}, ${predictions.itemId}) < (${cursor.value}::double precision, ${cursor.itemId}::integer)`
    : sql`(${col}, ${predictions.itemId}) > (${cursor.value}::double precision, ${cursor.itemId}::integer)`;
}
