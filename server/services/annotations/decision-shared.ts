/** Pieces every kind of decision shares: stored results, categories, suggestions, the current label. */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db, DbOrTx, Tx } from "@/db/client";
import { annotations, categories, items, modelVersions, predictions, projects, type PreviousLabel } from "@/db/schema";
import { ConflictError, NotFoundError, ValidationError } from "@/server/errors";
import { forgetLowWaterMarks } from "@/server/services/queue";

export type DecisionAction = "accept" | "correct" | "reject" | "skip";

export type DecisionResult = {
  annotationId: number;
  itemId: number;
  action: DecisionAction;
  categoryId: number | null;
  /** Why the item was in the queue (audit decisions feed the audited precision). */
  reason?: string | null;
  /** The item's label after this decision (a skip leaves it as it was). */
  label: { categoryId: number | null; source: string } | null;
  createdAt: Date;
};

export const decisionColumns = {
  id: annotations.id,
  itemId: annotations.itemId,
  action: annotations.action,
  categoryId: annotations.categoryId,
  previousLabel: annotations.previousLabel,
  reason: annotations.reason,
  idempotencyKey: annotations.idempotencyKey,
  createdAt: annotations.createdAt,
};
type DecisionRow = {
  id: number;
  itemId: number;
  action: string;
  categoryId: number | null;
  reason: string | null;
  previousLabel: PreviousLabel | null;
  createdAt: Date;
};

/** Built only from the stored row, so a replay returns exactly the first answer. */
/**
 * Decisions that leave the item's label as it was: a skip, and a second
 * opinion (overlap pick) given on a person's label, which is recorded for
 * agreement but does not overrule it. A second opinion on an item whose human
 * label went away meanwhile (its first decision undone) is the label now.
 */
export const leavesLabel = (
  action: string,
  reason: string | null | undefined,
  previous: PreviousLabel | null | undefined,
): boolean => action === "skip" || (reason === "overlap" && previous?.source === "human");

export function toDecisionResult(a: DecisionRow): DecisionResult {
  const action = a.action as DecisionAction;
  const prev = a.previousLabel;
  const label = leavesLabel(action, a.reason, prev)
    ? prev
      ? { categoryId: prev.categoryId, source: prev.source }
      : null
    : { categoryId: a.categoryId, source: "human" };
  return {
    annotationId: a.id,
    itemId: a.itemId,
    action,
    categoryId: a.categoryId,
    reason: a.reason,
    label,
    createdAt: a.createdAt,
  };
}

export async function findByKeys(db: DbOrTx, projectId: number, userId: number, keys: string[]) {
  if (keys.length === 0) return [];
  return db
    .select(decisionColumns)
    .from(annotations)
    .where(
      and(
        eq(annotations.projectId, projectId),
        eq(annotations.userId, userId),
        inArray(annotations.idempotencyKey, keys),
      ),
    );
}

/** 23505 from postgres.js or PGlite, possibly wrapped by drizzle. */
export function isUniqueViolation(e: unknown): boolean {
  for (let cur: unknown = e, depth = 0; cur && depth < 4; depth++) {
    if (typeof cur === "object" && "code" in cur && (cur as { code: unknown }).code === "23505") return true;
    cur = typeof cur === "object" && "cause" in cur ? (cur as { cause: unknown }).cause : undefined;
  }
  return false;
}

/**
 * The project's items, or NOT_FOUND. `lock` (batch decisions, which hold no
 * lease) makes the queue's SKIP LOCKED readers pass over them meanwhile; a
 * leased submit needs no item lock: its lease row lock is enough.
 */
export async function requireItems(tx: DbOrTx, projectId: number, itemIds: number[], opts: { lock?: boolean } = {}) {
  const query = tx
    .select({ id: items.id, externalId: items.externalId, title: items.title })
    .from(items)
    .where(and(eq(items.projectId, projectId), inArray(items.id, itemIds)))
    .orderBy(items.id);
  const rows = opts.lock ? await query.for("no key update", { of: items }) : await query;
  const found = new Set(rows.map((r) => r.id));
  const missing = itemIds.filter((id) => !found.has(id));
  if (missing.length > 0) throw new NotFoundError(`Item ${missing.slice(0, 10).join(", ")}`);
  return rows;
}

/**
 * Categories a decision may use: of this project (else NOT_FOUND, like any
 * foreign id) and not soft-deleted (else a ValidationError naming it, so the
 * client keeps the draft and asks for another category).
 */
export async function requireLiveCategories(tx: DbOrTx, projectId: number, ids: number[]): Promise<void> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return;
  const rows = await tx
    .select({ id: categories.id, path: categories.path, deletedAt: categories.deletedAt })
    .from(categories)
    .where(and(eq(categories.projectId, projectId), inArray(categories.id, wanted)));
  checkLiveCategories(rows, wanted);
}

export type CategoryRow = { id: number; path: string; deletedAt: Date | null };

/** requireLiveCategories' verdict on rows already read (the project's categories among `wanted`). */
export function checkLiveCategories(rows: CategoryRow[], ids: number[]): void {
  const wanted = [...new Set(ids)];
  rows = rows.filter((r) => wanted.includes(r.id));
  const found = new Set(rows.map((r) => r.id));
  const missing = wanted.filter((id) => !found.has(id));
  if (missing.length > 0) throw new NotFoundError(`Category ${missing.join(", ")}`);
  const deleted = rows.filter((r) => r.deletedAt !== null);
  if (deleted.length > 0) {
    const names = deleted.map((d) => `"${d.path}"`).join(", ");
    throw new ValidationError(`Category ${names} was deleted; choose another category`, {
      deletedCategories: deleted.map((d) => ({ id: d.id, path: d.path })),
    });
  }
}

export type Suggestion = { categoryId: number; confidence: number | null; modelVersionId: number | null };

/**
 * The suggestion shown: the given model version's prediction (the client
 * sends the version it displayed, so a model swap mid-decision does not
 * change what "accept" means), else the active version's.
 */
export async function loadSuggestions(
  tx: DbOrTx,
  projectId: number,
  itemIds: number[],
  modelVersionId: number | undefined,
): Promise<Map<number, Suggestion>> {
  if (itemIds.length === 0) return new Map();
  if (modelVersionId !== undefined) return versionSuggestions(tx, projectId, itemIds, modelVersionId);
  const version =
    modelVersionId ??
    sql`(select ${projects.activeModelVersionId} from ${projects} where ${projects.id} = ${projectId})`;
  const rows = await tx
    .select({
      itemId: predictions.itemId,
      categoryId: predictions.categoryId,
      confidence: predictions.confidence,
      modelVersionId: predictions.modelVersionId,
    })
    .from(predictions)
    .where(
      and(
        eq(predictions.projectId, projectId),
        eq(predictions.modelVersionId, version),
        inArray(predictions.itemId, itemIds),
      ),
    );
  return new Map(rows.map((r) => [r.itemId, r]));
}

/** The version must be the project's (else NOT_FOUND); its predictions come in the same statement. */
async function versionSuggestions(
  tx: DbOrTx,
  projectId: number,
  itemIds: number[],
  id: number,
): Promise<Map<number, Suggestion>> {
  const rows = await tx
    .select({
      version: modelVersions.id,
      itemId: predictions.itemId,
      categoryId: predictions.categoryId,
      confidence: predictions.confidence,
    })
    .from(modelVersions)
    .leftJoin(
      predictions,
      and(
        eq(predictions.modelVersionId, modelVersions.id),
        eq(predictions.projectId, projectId),
        inArray(predictions.itemId, itemIds),
      ),
    )
    .where(and(eq(modelVersions.projectId, projectId), eq(modelVersions.id, id)));
  if (rows.length === 0) throw new NotFoundError("Model version");
  const out = new Map<number, Suggestion>();
  for (const r of rows) {
    if (r.itemId !== null && r.categoryId !== null)
      out.set(r.itemId, { categoryId: r.categoryId, confidence: r.confidence, modelVersionId: r.version });
  }
  return out;
}

/**
 * Runs an undo once. The unique index on undoes_annotation_id decides a race between
 * two undos of the same decision: the loser replays the winner's answer when it was
 * the same request (same idempotency key), else gets a conflict. The item is open
 * again afterwards, so the queue's low-water mark may have passed it.
 */
export async function undoOnce<R>(
  db: Db,
  projectId: number,
  run: (tx: Tx) => Promise<R>,
  replay: (db: Db) => Promise<R | null>,
  alreadyUndone: string,
): Promise<R> {
  try {
    const undone = await db.transaction(run);
    forgetLowWaterMarks(db, projectId);
    return undone;
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const replayed = await replay(db);
    if (replayed) return replayed;
    throw new ConflictError(alreadyUndone);
  }
}
