/**
 * Batch review: the active model's predictions on pool items as a filtered,
 * keyset-paged grid. Test (gold) items are left out: approving a model's
 * guesses on the evaluation set would grade the model with its own answers.
 * Decisions are stored through annotations.submitBatch, not here.
 */
import { and, asc, count, eq, gt, inArray, ne, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { annotations, categories, items, labels, leases, predictions, users } from "@/db/schema";
import {
  type ActiveVersion,
  activeVersion,
  afterCursor,
  assertCategoryInProject,
  awaitingAudit,
  type BatchFilters,
  type BatchSort,
  filterClauses,
  orderBy,
  sortValue,
} from "./filters-sql";
import { standingSecondOpinion } from "@/server/services/labels";
import { getProjectSettings } from "@/server/services/projects";
import { suspicionsOf, type Suspicion } from "./suspects";

/** Counting stops here: an exact count of 100k rows per filter change is not worth its cost. */
export const COUNT_CAP = 10_000;
/** Alternatives shown beside the top prediction. */
const ALTERNATIVES = 3;

export type ListBatchInput = BatchFilters & {
  projectId: number;
  /** The reviewer: their own leases do not block them (a batch decision removes those). */
  actorId: number;
  sort: BatchSort;
  cursor?: { value: number; itemId: number };
  limit: number;
};

type CategoryRef = { id: number; path: string | null; deleted: boolean };

export type BatchRow = {
  itemId: number;
  externalId: string;
  title: string;
  predicted: CategoryRef;
  confidence: number;
  margin: number;
  alternatives: (CategoryRef & { prob: number })[];
  label:
    | (CategoryRef & { source: "human" | "auto" | "import" })
    | { id: null; path: null; deleted: false; source: "human" | "auto" | "import" }
    | null;
  awaitingAudit: boolean;
  /** Someone else holds a live lease: submitBatch would refuse the item. */
  heldBy: string | null;
  /** A standing second opinion that disagrees with the current human label: what the other person chose ("none fits": id null). */
  dispute: { id: number | null; path: string | null; deleted: boolean; by: string } | null;
  /** The label-error detector flagged the current label: the category it suggests instead. */
  suspect: { suggested: CategoryRef; score: number } | null;
};

export type BatchPage = {
  modelVersion: ActiveVersion | null;
  items: BatchRow[];
  nextCursor: { value: number; itemId: number } | null;
  /** Only on the first page (no cursor): matching rows, counted up to COUNT_CAP. */
  total: { count: number; capped: boolean } | null;
};

export async function listBatch(db: Db, p: ListBatchInput): Promise<BatchPage> {
  if (p.categoryId !== undefined) await assertCategoryInProject(db, p.projectId, p.categoryId);
  const version = await activeVersion(db, p.projectId);
  if (!version)
    return { modelVersion: null, items: [], nextCursor: null, total: p.cursor ? null : { count: 0, capped: false } };
  const { auditRate } = await getProjectSettings(db, { projectId: p.projectId });
  const [rows, total] = await Promise.all([
    pageRows(db, p, version.id, auditRate),
    p.cursor ? null : cappedCount(db, p, version.id, auditRate),
  ]);
  const more = rows.length > p.limit;
  const page = more ? rows.slice(0, p.limit) : rows;
  const last = page[page.length - 1];
  const ids = page.map((r) => r.itemId);
  const [disputes, suspicions] = await Promise.all([
    disputesOf(db, p.projectId, ids),
    suspicionsOf(db, p.projectId, ids),
  ]);
  const paths = await categoryPaths(db, p.projectId, page, disputes, suspicions);
  return {
    modelVersion: version,
    items: page.map((r) => toRow(r, paths, disputes.get(r.itemId) ?? null, suspicions.get(r.itemId) ?? null)),
    nextCursor: more && last ? { value: sortValue(p.sort, last), itemId: last.itemId } : null,
    total,
  };
}

function pageRows(db: Db, p: ListBatchInput, versionId: number, auditRate: number) {
  const where = filterClauses(p.projectId, versionId, p, auditRate);
  if (p.cursor) where.push(afterCursor(p.sort, p.cursor));
  return db
    .select({
      itemId: predictions.itemId,
      externalId: items.externalId,
      title: items.title,
      categoryId: predictions.categoryId,
      confidence: predictions.confidence,
      margin: predictions.margin,
      top: predictions.top,
      labelItemId: labels.itemId,
      labelCategoryId: labels.categoryId,
      labelSource: labels.source,
      awaitingAudit: sql<boolean>`coalesce(${awaitingAudit(p.projectId, auditRate)}, false)`.mapWith(Boolean),
      heldBy: users.name,
    })
    .from(predictions)
    .innerJoin(items, and(eq(items.id, predictions.itemId), eq(items.projectId, p.projectId), eq(items.split, "pool")))
    .leftJoin(labels, and(eq(labels.itemId, predictions.itemId), eq(labels.projectId, p.projectId)))
    .leftJoin(
      leases,
      and(
        eq(leases.itemId, predictions.itemId),
        eq(leases.projectId, p.projectId),
        ne(leases.userId, p.actorId),
        gt(leases.expiresAt, sql`now()`),
      ),
    )
    .leftJoin(users, eq(users.id, leases.userId))
    .where(and(...where))
    .orderBy(...orderBy(p.sort))
    .limit(p.limit + 1);
}

type PageRow = Awaited<ReturnType<typeof pageRows>>[number];

async function cappedCount(
  db: Db,
  p: ListBatchInput,
  versionId: number,
  auditRate: number,
): Promise<{ count: number; capped: boolean }> {
  const matching = db
    .select({ one: sql`1`.as("one") })
    .from(predictions)
    .innerJoin(items, and(eq(items.id, predictions.itemId), eq(items.projectId, p.projectId), eq(items.split, "pool")))
    .leftJoin(labels, and(eq(labels.itemId, predictions.itemId), eq(labels.projectId, p.projectId)))
    .where(and(...filterClauses(p.projectId, versionId, p, auditRate)))
    .limit(COUNT_CAP + 1)
    .as("matching");
  const [r] = await db.select({ n: count() }).from(matching);
  const n = Number(r?.n ?? 0);
  return { count: Math.min(n, COUNT_CAP), capped: n > COUNT_CAP };
}

type Dispute = { categoryId: number | null; by: string };

/** The page's items under dispute (batch-grid-sql `disputed`), with the latest disagreeing second opinion of each. */
async function disputesOf(db: DbOrTx, projectId: number, itemIds: number[]): Promise<Map<number, Dispute>> {
  if (itemIds.length === 0) return new Map();
  const rows = await db
    .select({ itemId: annotations.itemId, categoryId: annotations.categoryId, by: users.name })
    .from(annotations)
    .innerJoin(users, eq(users.id, annotations.userId))
    .innerJoin(
      labels,
      and(eq(labels.itemId, annotations.itemId), eq(labels.projectId, projectId), eq(labels.source, "human")),
    )
    .where(
      and(
        eq(annotations.projectId, projectId),
        inArray(annotations.itemId, itemIds),
        standingSecondOpinion(projectId, annotations),
        sql`${annotations.createdAt} >= ${labels.updatedAt}`,
        sql`${annotations.categoryId} is distinct from ${labels.categoryId}`,
      ),
    )
    .orderBy(asc(annotations.id));
  // Ascending ids: the latest one per item wins.
  return new Map(rows.map((r) => [r.itemId, { categoryId: r.categoryId, by: r.by }]));
}

/** One lookup for every category a page mentions (predicted, alternatives, labels, disputes). */
async function categoryPaths(
  db: DbOrTx,
  projectId: number,
  rows: PageRow[],
  disputes: Map<number, Dispute>,
  suspicions: Map<number, Suspicion>,
): Promise<Map<number, { path: string; deleted: boolean }>> {
  const ids = new Set<number>();
  for (const d of disputes.values()) if (d.categoryId !== null) ids.add(d.categoryId);
  for (const s of suspicions.values()) ids.add(s.suggestedCategoryId);
  for (const r of rows) {
    ids.add(r.categoryId);
    if (r.labelCategoryId !== null) ids.add(r.labelCategoryId);
    for (const t of r.top.slice(0, ALTERNATIVES + 1)) ids.add(t.categoryId);
  }
  if (ids.size === 0) return new Map();
  const found = await db
    .select({ id: categories.id, path: categories.path, deletedAt: categories.deletedAt })
    .from(categories)
    .where(and(eq(categories.projectId, projectId), inArray(categories.id, [...ids])));
  return new Map(found.map((c) => [c.id, { path: c.path, deleted: c.deletedAt !== null }]));
}

function toRow(
  r: PageRow,
  paths: Map<number, { path: string; deleted: boolean }>,
  dispute: Dispute | null,
  suspicion: Suspicion | null,
): BatchRow {
  const ref = (id: number): CategoryRef => ({
    id,
    path: paths.get(id)?.path ?? null,
    deleted: paths.get(id)?.deleted ?? false,
  });
  const source = r.labelSource;
  return {
    itemId: r.itemId,
    externalId: r.externalId,
    title: r.title,
    predicted: ref(r.categoryId),
    confidence: r.confidence,
    margin: r.margin,
    alternatives: r.top
      .filter((t) => t.categoryId !== r.categoryId)
      .slice(0, ALTERNATIVES)
      .map((t) => ({ ...ref(t.categoryId), prob: t.prob })),
    label:
      r.labelItemId === null || source === null
        ? null
        : r.labelCategoryId === null
          ? { id: null, path: null, deleted: false, source }
          : { ...ref(r.labelCategoryId), source },
    awaitingAudit: r.awaitingAudit,
    heldBy: r.heldBy,
    dispute: dispute
      ? {
          ...(dispute.categoryId === null ? { id: null, path: null, deleted: false } : ref(dispute.categoryId)),
          by: dispute.by,
        }
      : null,
    suspect: suspicion ? { suggested: ref(suspicion.suggestedCategoryId), score: suspicion.score } : null,
  };
}
