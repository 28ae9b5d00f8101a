/**
 * One decision on one leased item. Everything (annotation, label, lease,
 * audit event) happens in one transaction; a retry with the same
 * idempotency key returns the stored result and writes nothing.
 */
import { and, eq } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { annotations, leases, type PreviousLabel } from "@/db/schema";
import { ConflictError, ValidationError } from "../errors";
import { recordAudit } from "./audit";
import {
  type DecisionAction,
  type DecisionResult,
  decisionColumns,
  findByKeys,
  isUniqueViolation,
  loadSuggestions,
  lockLabels,
  requireItems,
  requireLiveCategories,
  snapshotOf,
  type Suggestion,
  toDecisionResult,
  writeHumanLabels,
} from "./annotations-shared";

/** The reason the item was leased, copied onto the annotation (audits are measured by it). */
type PickReason = NonNullable<(typeof annotations.$inferInsert)["reason"]>;

export type SubmitParams = {
  projectId: number;
  userId: number;
  itemId: number;
  leaseToken: string;
  idempotencyKey: string;
  action: DecisionAction;
  categoryId?: number;
  timeSpentMs: number;
  /** The model version whose suggestion was on screen. */
  modelVersionId?: number;
};

export async function submitAnnotation(db: Db, p: SubmitParams): Promise<DecisionResult> {
  try {
    return await db.transaction((tx) => submitInTx(tx, p));
  } catch (e) {
    // Two identical requests at once: the loser hits the unique index and answers with the winner's result.
    if (!isUniqueViolation(e)) throw e;
    const [stored] = await findByKeys(db, p.projectId, p.userId, [p.idempotencyKey]);
    if (!stored) throw e;
    return sameRequestOrConflict(stored, p);
  }
}

function sameRequestOrConflict(stored: Parameters<typeof toDecisionResult>[0], p: SubmitParams): DecisionResult {
  if (stored.itemId !== p.itemId) {
    throw new ConflictError("This idempotency key was already used for another item", { itemId: stored.itemId });
  }
  return toDecisionResult(stored);
}

async function submitInTx(tx: Tx, p: SubmitParams): Promise<DecisionResult> {
  const [lease] = await tx
    .select({ token: leases.token, userId: leases.userId, reason: leases.reason })
    .from(leases)
    .where(and(eq(leases.itemId, p.itemId), eq(leases.projectId, p.projectId)))
    .for("update");
  // An expired lease is still honoured while its row carries our token: a
  // take-over by someone else replaces the token, so then this is a CONFLICT.
  if (!lease || lease.userId !== p.userId || lease.token.toLowerCase() !== p.leaseToken.toLowerCase()) return replayOrRefuse(tx, p);
  // Our live token means a new request for this item: a stored decision deleted
  // its lease and every lease gets a fresh token. A key already used for another
  // item fails the unique index on insert (answered in submitAnnotation), and our
  // lease row (of this project, locked) stands for the item, so neither lookup
  // is repeated here. Independent reads go out together (one round trip).
  const audit = lease.reason === "audit";
  const [current, suggestions] = await Promise.all([
    lockLabels(tx, p.projectId, [p.itemId]),
    audit ? null : loadSuggestions(tx, p.projectId, [p.itemId], p.modelVersionId),
  ]);
  const previous = snapshotOf(current.get(p.itemId));
  // An audit whose auto label was replaced meanwhile falls back to the model's suggestion.
  const shown = (audit ? auditedSuggestion(previous) : null) ?? (suggestions ?? (await loadSuggestions(tx, p.projectId, [p.itemId], p.modelVersionId))).get(p.itemId) ?? null;
  const decision = await resolveDecision(tx, p, shown);
  const a = await insertAnnotation(tx, p, decision, lease.reason, previous);
  const result = toDecisionResult(a);
  await Promise.all([
    p.action === "skip" ? null : writeHumanLabels(tx, p.projectId, [{ itemId: p.itemId, categoryId: decision.categoryId, userId: p.userId, annotationId: a.id }]),
    tx.delete(leases).where(and(eq(leases.itemId, p.itemId), eq(leases.projectId, p.projectId))),
    recordAudit(tx, {
      projectId: p.projectId,
      actorId: p.userId,
      action: `annotation.${p.action}`,
      entityType: "item",
      entityId: p.itemId,
      before: previous,
      after: { annotationId: a.id, label: result.label, reason: lease.reason },
    }),
  ]);
  return result;
}

/**
 * No valid lease: a foreign item is NOT_FOUND; a retry of a stored request
 * (found now that the lease lock was waited for) gets the stored answer;
 * anything else is a CONFLICT.
 */
async function replayOrRefuse(tx: Tx, p: SubmitParams): Promise<DecisionResult> {
  await requireItems(tx, p.projectId, [p.itemId]);
  const [stored] = await findByKeys(tx, p.projectId, p.userId, [p.idempotencyKey]);
  if (stored) return sameRequestOrConflict(stored, p);
  throw new ConflictError("Your lease on this item is no longer valid; it may have been given to someone else", { itemId: p.itemId });
}

type Decision = Awaited<ReturnType<typeof resolveDecision>>;

async function insertAnnotation(tx: Tx, p: SubmitParams, d: Decision, reason: PickReason, previous: PreviousLabel | null) {
  const [row] = await tx
    .insert(annotations)
    .values({
      projectId: p.projectId,
      itemId: p.itemId,
      userId: p.userId,
      action: p.action,
      categoryId: d.categoryId,
      suggestedCategoryId: d.suggestion?.categoryId ?? null,
      suggestedConfidence: d.suggestion?.confidence ?? null,
      modelVersionId: d.suggestion?.modelVersionId ?? p.modelVersionId ?? null,
      reason,
      timeSpentMs: p.timeSpentMs,
      idempotencyKey: p.idempotencyKey,
      previousLabel: previous,
    })
    .returning(decisionColumns);
  if (!row) throw new Error("insert returned no row");
  return row;
}

/** An audit shows the auto label under review, so "accept" confirms that label (even if a newer model would now suggest something else). */
function auditedSuggestion(audited: PreviousLabel | null): Suggestion | null {
  return audited?.source === "auto" && audited.categoryId !== null
    ? { categoryId: audited.categoryId, confidence: audited.confidence ?? null, modelVersionId: audited.modelVersionId ?? null }
    : null;
}

/** What category the decision sets, given the suggestion that was on screen. */
async function resolveDecision(tx: Tx, p: SubmitParams, suggestion: Suggestion | null) {
  if (p.action === "accept") {
    if (!suggestion) throw new ValidationError("There is no model suggestion to accept for this item; choose a category");
    await requireLiveCategories(tx, p.projectId, [suggestion.categoryId]);
    return { categoryId: suggestion.categoryId, suggestion };
  }
  if (p.action === "correct") {
    if (p.categoryId === undefined) throw new ValidationError("A correction needs a category");
    await requireLiveCategories(tx, p.projectId, [p.categoryId]);
    return { categoryId: p.categoryId, suggestion };
  }
  return { categoryId: null, suggestion };
}
