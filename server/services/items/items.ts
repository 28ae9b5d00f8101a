/** Reading items: keyset-paged listing with filters, and one item with its label and history. */
import { and, asc, desc, eq, gt, ilike, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "@/db/client";
import { annotations, categories, items, labels, leases, users } from "@/db/schema";
import { tableAs } from "@/db/sql";
import { CAN, type Role } from "@/lib/constants";
import { evaluatedItem } from "@/server/services/evaluation";
import { NotFoundError } from "@/server/errors";
import { containsPattern } from "@/db/like-pattern";

export const HISTORY_LIMIT = 200;

/** Roles that see the labels of evidence items (gold, evaluation picks); annotators decide them blind. */
const SEES_EVIDENCE: readonly Role[] = CAN.viewMetrics;

/**
 * Items whose label an annotator must not read: gold (imported test items and
 * evaluation picks, whose labels grade the model), and items the caller holds
 * as a blind pick right now (a second opinion or an evaluation).
 */
function hiddenFrom(projectId: number, actorId: number): SQL<boolean> {
  const bl = tableAs(leases, "bl");
  return sql<boolean>`(${items.split} = 'test' or ${evaluatedItem(projectId, items.id)} or exists (
    select 1 from ${bl.from} where ${bl.t.itemId} = ${items.id} and ${bl.t.userId} = ${actorId}
      and ${bl.t.reason} in ('overlap', 'evaluation')
  ))`;
}

type Viewer = { actorId: number; viewerRole: Role };
const blind = (v: Viewer) => !SEES_EVIDENCE.includes(v.viewerRole);

export type ListItemsInput = Viewer & {
  projectId: number;
  split?: "pool" | "test";
  labelSource?: "human" | "auto" | "import";
  categoryId?: number;
  search?: string;
  hasLabel?: boolean;
  cursor?: number;
  limit: number;
};

export async function listItems(db: Db, p: ListItemsInput) {
  const { projectId } = p;
  // A category of another project is an error, not an empty page: ids must not probe other tenants.
  if (p.categoryId !== undefined) await assertCategoryInProject(db, projectId, p.categoryId);
  const rows = await db
    .select({
      id: items.id,
      externalId: items.externalId,
      title: items.title,
      split: items.split,
      updatedAt: items.updatedAt,
      hidden: blind(p) ? hiddenFrom(projectId, p.actorId) : sql<boolean>`false`,
      label: {
        categoryId: labels.categoryId,
        source: labels.source,
        confidence: labels.confidence,
        path: categories.path,
      },
    })
    .from(items)
    .leftJoin(labels, and(eq(labels.itemId, items.id), eq(labels.projectId, projectId)))
    .leftJoin(categories, and(eq(categories.id, labels.categoryId), eq(categories.projectId, projectId)))
    .where(and(...itemFilters(projectId, p)))
    .orderBy(asc(items.id))
    .limit(p.limit + 1);
  const more = rows.length > p.limit;
  const page = (more ? rows.slice(0, p.limit) : rows).map(({ hidden, ...r }) => ({
    ...r,
    label: r.label.source && !hidden ? r.label : null,
  }));
  return { items: page, nextCursor: more ? (page[page.length - 1]?.id ?? null) : null };
}

function itemFilters(projectId: number, p: ListItemsInput): SQL[] {
  const where: SQL[] = [eq(items.projectId, projectId)];
  // A filter on the label must not tell a blind viewer what a hidden item's label is.
  const filtersLabel = p.labelSource !== undefined || p.categoryId !== undefined || p.hasLabel !== undefined;
  if (blind(p) && filtersLabel) where.push(sql`not ${hiddenFrom(projectId, p.actorId)}`);
  if (p.split) where.push(eq(items.split, p.split));
  if (p.labelSource) where.push(eq(labels.source, p.labelSource));
  if (p.categoryId !== undefined) where.push(eq(labels.categoryId, p.categoryId));
  if (p.search) where.push(ilike(items.title, containsPattern(p.search)));
  if (p.hasLabel === true) where.push(isNotNull(labels.itemId));
  if (p.hasLabel === false) where.push(isNull(labels.itemId));
  if (p.cursor) where.push(gt(items.id, p.cursor));
  return where;
}

async function assertCategoryInProject(db: Db, projectId: number, categoryId: number): Promise<void> {
  const [c] = await db
    .select({ id: categories.id })
    .from(categories)
    .where(and(eq(categories.projectId, projectId), eq(categories.id, categoryId)))
    .limit(1);
  if (!c) throw new NotFoundError("Category");
}

export type GetItemInput = Viewer & { projectId: number; itemId: number };

export async function getItem(db: Db, p: GetItemInput) {
  const { projectId, itemId } = p;
  const [row] = await db
    .select({
      id: items.id,
      externalId: items.externalId,
      title: items.title,
      description: items.description,
      attributes: items.attributes,
      split: items.split,
      createdAt: items.createdAt,
      updatedAt: items.updatedAt,
      hidden: blind(p) ? hiddenFrom(projectId, p.actorId) : sql<boolean>`false`,
    })
    .from(items)
    .where(and(eq(items.projectId, projectId), eq(items.id, itemId)))
    .limit(1);
  if (!row) throw new NotFoundError("Item");
  const { hidden, ...item } = row;
  const [label, history] = await Promise.all([currentLabel(db, projectId, itemId), itemHistory(db, projectId, itemId)]);
  // Hidden: no label, and of the history only the viewer's own decisions.
  if (hidden) return { item, label: null, history: history.filter((h) => h.userId === p.actorId) };
  return { item, label, history };
}

async function currentLabel(db: Db, projectId: number, itemId: number) {
  const [row] = await db
    .select({
      categoryId: labels.categoryId,
      path: categories.path,
      categoryDeleted: isNotNull(categories.deletedAt).mapWith(Boolean),
      source: labels.source,
      confidence: labels.confidence,
      modelVersionId: labels.modelVersionId,
      userId: labels.userId,
      updatedAt: labels.updatedAt,
    })
    .from(labels)
    .leftJoin(categories, and(eq(categories.id, labels.categoryId), eq(categories.projectId, projectId)))
    .where(and(eq(labels.projectId, projectId), eq(labels.itemId, itemId)))
    .limit(1);
  return row ?? null;
}

/** Newest first; capped, since a contested item could gather many decisions. */
async function itemHistory(db: Db, projectId: number, itemId: number) {
  const suggested = alias(categories, "suggested");
  return db
    .select({
      id: annotations.id,
      action: annotations.action,
      categoryId: annotations.categoryId,
      path: categories.path,
      suggestedCategoryId: annotations.suggestedCategoryId,
      suggestedPath: suggested.path,
      suggestedConfidence: annotations.suggestedConfidence,
      modelVersionId: annotations.modelVersionId,
      reason: annotations.reason,
      timeSpentMs: annotations.timeSpentMs,
      undoesAnnotationId: annotations.undoesAnnotationId,
      userId: annotations.userId,
      userName: users.name,
      createdAt: annotations.createdAt,
    })
    .from(annotations)
    .innerJoin(users, eq(users.id, annotations.userId))
    .leftJoin(categories, and(eq(categories.id, annotations.categoryId), eq(categories.projectId, projectId)))
    .leftJoin(suggested, and(eq(suggested.id, annotations.suggestedCategoryId), eq(suggested.projectId, projectId)))
    .where(and(eq(annotations.projectId, projectId), eq(annotations.itemId, itemId)))
    .orderBy(desc(annotations.id))
    .limit(HISTORY_LIMIT);
}
