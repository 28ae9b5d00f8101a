/**
 * One decision on one leased item. Everything (annotation, label, lease,
 * audit event) happens in one transaction; a retry with the same
 * idempotency key returns the stored result and writes nothing.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { annotations, leases, type PreviousLabel } from "@/db/schema";
import { ConflictError, ValidationError } from "../errors";
import { queryRows } from "./queue-sql";
import {
  type DecisionAction,
  type DecisionResult,
  findByKeys,
  isUniqueViolation,
  loadSuggestions,
  lockLabels,
  requireItems,
  requireLiveCategories,
  snapshotOf,
  type Suggestion,
  toDecisionResult,
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
  return storeDecision(tx, p, decision, lease.reason, previous);
}

type StoredRow = { id: number | string; itemId: number; action: string; categoryId: number | null; previousLabel: PreviousLabel | null; reason: string | null; createdAt: string };

/**
 * The annotation, the human label (not for a skip), the lease's end and the
 * audit event in one statement (data-modifying CTEs; it used to be four
 * statements in two round trips). The audit's `after` is what the caller gets:
 * the annotation id, the label after the decision and the pick reason.
 */
async function storeDecision(tx: Tx, p: SubmitParams, d: Decision, reason: PickReason, previous: PreviousLabel | null): Promise<DecisionResult> {
  const label = p.action === "skip" ? (previous ? { categoryId: previous.categoryId, source: previous.source } : null) : { categoryId: d.categoryId, source: "human" };
  const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
  const [row] = await queryRows<{ a: StoredRow | string }>(
    tx,
    sql`with a as (
      insert into annotations (project_id, item_id, user_id, action, category_id, suggested_category_id, suggested_confidence,
                               model_version_id, reason, time_spent_ms, idempotency_key, previous_label)
      values (${p.projectId}, ${p.itemId}, ${p.userId}, ${p.action}, ${d.categoryId}::int, ${d.suggestion?.categoryId ?? null}::int,
              ${d.suggestion?.confidence ?? null}::float8, ${d.suggestion?.modelVersionId ?? p.modelVersionId ?? null}::int, ${reason},
              ${p.timeSpentMs}, ${p.idempotencyKey}, ${json(previous)}::jsonb)
      returning id, item_id, action, category_id, previous_label, reason, created_at
    ), l as (
      insert into labels (item_id, project_id, category_id, source, user_id, annotation_id, model_version_id, confidence, updated_at)
      select a.item_id, ${p.projectId}, a.category_id, 'human', ${p.userId}, a.id, null, null, now() from a where a.action <> 'skip'
      on conflict (item_id) do update set category_id = excluded.category_id, source = excluded.source, user_id = excluded.user_id,
        annotation_id = excluded.annotation_id, model_version_id = null, confidence = null, updated_at = now()
    ), d as (
      delete from leases where item_id = ${p.itemId} and project_id = ${p.projectId}
    ), e as (
      insert into audit_events (project_id, actor_id, action, entity_type, entity_id, before, after)
      select ${p.projectId}, ${p.userId}, ${`annotation.${p.action}`}, 'item', ${String(p.itemId)}, ${json(previous)}::jsonb,
        jsonb_build_object('annotationId', a.id) || ${json({ label, reason })}::jsonb
      from a
    )
    select jsonb_build_object('id', a.id, 'itemId', a.item_id, 'action', a.action, 'categoryId', a.category_id,
      'previousLabel', a.previous_label, 'reason', a.reason, 'createdAt', a.created_at) as a
    from a`,
  );
  if (!row) throw new Error("insert returned no row");
  const a = typeof row.a === "string" ? (JSON.parse(row.a) as StoredRow) : row.a;
  return toDecisionResult({ ...a, id: Number(a.id), createdAt: new Date(a.createdAt) });
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
