/** Reading items: keyset-paged listing with filters, and one item with its label and history. */
import { and, asc, desc, eq, gt, ilike, isNotNull, isNull, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "@/db/client";
import { annotations, categories, items, labels, users } from "@/db/schema";
import { NotFoundError } from "@/server/errors";
import { containsPattern } from "@/db/like-pattern";

export const HISTORY_LIMIT = 200;

export type ListItemsInput = {
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
  const page = (more ? rows.slice(0, p.limit) : rows).map((r) => ({ ...r, label: r.label.source ? r.label : null }));
  return { items: page, nextCursor: more ? (page[page.length - 1]?.id ?? null) : null };
}

function itemFilters(projectId: number, p: ListItemsInput): SQL[] {
  const where: SQL[] = [eq(items.projectId, projectId)];
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

export type GetItemInput = { projectId: number; itemId: number };

export async function getItem(db: Db, p: GetItemInput) {
  const { projectId, itemId } = p;
  const [item] = await db
    .select({
      id: items.id,
      externalId: items.externalId,
      title: items.title,
      description: items.description,
      attributes: items.attributes,
      split: items.split,
      createdAt: items.createdAt,
      updatedAt: items.updatedAt,
    })
    .from(items)
    .where(and(eq(items.projectId, projectId), eq(items.id, itemId)))
    .limit(1);
  if (!item) throw new NotFoundError("Item");
  const [label, history] = await Promise.all([currentLabel(db, projectId, itemId), itemHistory(db, projectId, itemId)]);
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
