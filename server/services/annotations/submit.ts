/**
 * One decision on one leased item. Everything (annotation, label, lease,
 * audit event) happens in one transaction; a retry with the same
 * idempotency key returns the stored result and writes nothing.
 */
import { and, eq, sql } from "drizzle-orm";
import { executeRows, type Db, type Tx } from "@/db/client";
import { alias } from "drizzle-orm/pg-core";
import { annotations, auditEvents, leases, type PreviousLabel } from "@/db/schema";
import { col, cols } from "@/db/sql";
import { humanLabelFromAnnotation, lockLabels, snapshotOf } from "@/server/services/labels";
import { ConflictError } from "@/server/errors";
import { currentApiTokenId } from "@/server/services/audit";
import {
  type DecisionResult,
  findByKeys,
  isUniqueViolation,
  leavesLabel,
  loadSuggestions,
  requireItems,
  toDecisionResult,
} from "./decision-shared";
import {
  auditedSuggestion,
  decisionCategories,
  resolveDecision,
  type Decision,
  type SubmitAnnotationInput,
} from "./submit-decision";
import { afterDecisions } from "./followups";
import { resolveSuspects } from "@/server/services/label-errors";

/** The reason the item was leased, copied onto the annotation (audits are measured by it). */
type PickReason = NonNullable<(typeof annotations.$inferInsert)["reason"]>;

export type { SubmitAnnotationInput } from "./submit-decision";

/** Stores the decision, then sets off what it may trigger (a retrain, the audit check) after it. */
export async function submitAnnotation(db: Db, p: SubmitAnnotationInput): Promise<DecisionResult> {
  const result = await recordAnnotation(db, p);
  void afterDecisions(db, p.projectId, { audit: result.reason === "audit" });
  return result;
}

async function recordAnnotation(db: Db, p: SubmitAnnotationInput): Promise<DecisionResult> {
  try {
    return await db.transaction((tx) => submitInTx(tx, p));
  } catch (e) {
    // Two identical requests at once: the loser hits the unique index and answers with the winner's result.
    if (!isUniqueViolation(e)) throw e;
    const [stored] = await findByKeys(db, p.projectId, p.actorId, [p.idempotencyKey]);
    if (!stored) throw e;
    return sameRequestOrConflict(stored, p);
  }
}

function sameRequestOrConflict(
  stored: Parameters<typeof toDecisionResult>[0],
  p: SubmitAnnotationInput,
): DecisionResult {
  if (stored.itemId !== p.itemId) {
    throw new ConflictError("This idempotency key was already used for another item", { itemId: stored.itemId });
  }
  return toDecisionResult(stored);
}

async function submitInTx(tx: Tx, p: SubmitAnnotationInput): Promise<DecisionResult> {
  // Everything the decision needs is read in one round trip; the statements
  // run in this order on the connection (lease lock first, then the label lock,
  // as before). A suggestion error is only raised once the lease is known valid.
  const [[lease], current, suggestions, cats] = await Promise.all([
    tx
      .select({ token: leases.token, userId: leases.userId, reason: leases.reason })
      .from(leases)
      .where(and(eq(leases.itemId, p.itemId), eq(leases.projectId, p.projectId)))
      .for("update"),
    lockLabels(tx, p.projectId, [p.itemId]),
    loadSuggestions(tx, p.projectId, [p.itemId], p.modelVersionId).catch((e: unknown) => e as Error),
    decisionCategories(tx, p),
  ]);
  // An expired lease is still honoured while its row carries our token: a
  // take-over by someone else replaces the token, so then this is a CONFLICT.
  if (!lease || lease.userId !== p.actorId || lease.token.toLowerCase() !== p.leaseToken.toLowerCase())
    return replayOrRefuse(tx, p);
  // Our live token means a new request for this item: a stored decision deleted
  // its lease and every lease gets a fresh token. A key already used for another
  // item fails the unique index on insert (answered in recordAnnotation), and our
  // lease row (of this project, locked) stands for the item, so neither lookup
  // is repeated here.
  if (suggestions instanceof Error) throw suggestions;
  const previous = snapshotOf(current.get(p.itemId));
  // An audit shows the auto label under review; one whose auto label was replaced meanwhile falls back to the model's suggestion.
  const shown = (lease.reason === "audit" ? auditedSuggestion(previous) : null) ?? suggestions.get(p.itemId) ?? null;
  const decision = await resolveDecision(tx, p, shown, cats);
  const stored = await storeDecision(tx, p, decision, lease.reason, previous);
  // A person's label settles the item's open suspicion (a skip or a second opinion does not).
  if (!leavesLabel(p.action, lease.reason, previous)) {
    await resolveSuspects(tx, {
      projectId: p.projectId,
      actorId: p.actorId,
      decided: [{ itemId: p.itemId, categoryId: stored.categoryId, annotationId: stored.annotationId }],
    });
  }
  return stored;
}

type StoredRow = {
  id: number | string;
  itemId: number;
  action: string;
  categoryId: number | null;
  previousLabel: PreviousLabel | null;
  reason: string | null;
  createdAt: string;
};

/**
 * The annotation, the human label (not for a skip or a second opinion), the
 * lease's end and the audit event in one statement of data-modifying CTEs: one
 * round trip for the whole decision. The audit's `after` is what the caller
 * gets: the annotation id, the label after the decision and the pick reason.
 */
async function storeDecision(
  tx: Tx,
  p: SubmitAnnotationInput,
  d: Decision,
  reason: PickReason,
  previous: PreviousLabel | null,
): Promise<DecisionResult> {
  const label = leavesLabel(p.action, reason, previous)
    ? previous
      ? { categoryId: previous.categoryId, source: previous.source }
      : null
    : { categoryId: d.categoryId, source: "human" };
  const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
  const an = annotations;
  const ins = alias(annotations, "a");
  const ev = auditEvents;
  const [row] = await executeRows<{ a: StoredRow | string }>(
    tx,
    sql`with a as (
      insert into ${an} ${cols(
        an.projectId,
        an.itemId,
        an.userId,
        an.action,
        an.categoryId,
        an.suggestedCategoryId,
        an.suggestedConfidence,
        an.modelVersionId,
        an.reason,
        an.timeSpentMs,
        an.idempotencyKey,
        an.previousLabel,
      )}
      values (${p.projectId}, ${p.itemId}, ${p.actorId}, ${p.action}, ${d.categoryId}::int, ${d.suggestion?.categoryId ?? null}::int,
              ${d.suggestion?.confidence ?? null}::float8, ${d.suggestion?.modelVersionId ?? p.modelVersionId ?? null}::int, ${reason},
              ${p.timeSpentMs}, ${p.idempotencyKey}, ${json(previous)}::jsonb)
      returning ${sql.join([an.id, an.itemId, an.action, an.categoryId, an.previousLabel, an.reason, an.createdAt].map(col), sql`, `)}
    ), l as (
      ${humanLabelFromAnnotation({ projectId: p.projectId, userId: p.actorId, from: "a", when: !leavesLabel(p.action, reason, previous) })}
    ), d as (
      delete from ${leases} where ${leases.itemId} = ${p.itemId} and ${leases.projectId} = ${p.projectId}
    ), e as (
      insert into ${ev} ${cols(ev.projectId, ev.actorId, ev.action, ev.entityType, ev.entityId, ev.before, ev.after, ev.apiTokenId)}
      select ${p.projectId}, ${p.actorId}, ${`annotation.${p.action}`}, 'item', ${String(p.itemId)}, ${json(previous)}::jsonb,
        jsonb_build_object('annotationId', ${ins.id}) || ${json({ label, reason })}::jsonb, ${currentApiTokenId()}::int
      from a
    )
    select jsonb_build_object('id', ${ins.id}, 'itemId', ${ins.itemId}, 'action', ${ins.action}, 'categoryId', ${ins.categoryId},
      'previousLabel', ${ins.previousLabel}, 'reason', ${ins.reason}, 'createdAt', ${ins.createdAt}) as a
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
async function replayOrRefuse(tx: Tx, p: SubmitAnnotationInput): Promise<DecisionResult> {
  await requireItems(tx, p.projectId, [p.itemId]);
  const [stored] = await findByKeys(tx, p.projectId, p.actorId, [p.idempotencyKey]);
  if (stored) return sameRequestOrConflict(stored, p);
  throw new ConflictError("Your lease on this item is no longer valid; it may have been given to someone else", {
    itemId: p.itemId,
  });
}
