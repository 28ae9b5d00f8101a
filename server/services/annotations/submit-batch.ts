/**
 * Batch review grid: many decisions in one transaction, all or nothing.
 * Reviewers hold no leases, so instead of a token check: items under someone
 * else's live lease are refused (that person is deciding them right now),
 * and any other lease on them is removed (a stale token must not later win).
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { annotations, leases } from "@/db/schema";
import { ConflictError, ValidationError } from "@/server/errors";
import { recordAudit } from "@/server/services/audit";
import { lockLabels, snapshotOf, writeHumanLabels } from "@/server/services/labels";
import {
  type DecisionResult,
  decisionColumns,
  findByKeys,
  isUniqueViolation,
  loadSuggestions,
  requireItems,
  requireLiveCategories,
  type Suggestion,
  toDecisionResult,
} from "./decision-shared";
import { afterDecisions } from "./followups";
import { resolveSuspects } from "@/server/services/label-errors";

export type BatchDecision = { itemId: number; action: "accept" | "correct" | "reject"; categoryId?: number };
export type SubmitAnnotationBatchInput = {
  projectId: number;
  actorId: number;
  idempotencyKey: string;
  decisions: BatchDecision[];
  modelVersionId?: number;
  timeSpentMs?: number;
};
export type SubmitAnnotationBatchResult = { decisions: DecisionResult[] };

/** One key per decision, derived from the batch key, so the unique index covers every row. */
const keyFor = (batchKey: string, itemId: number) => `${batchKey}:${itemId}`;

export async function submitAnnotationBatch(
  db: Db,
  p: SubmitAnnotationBatchInput,
): Promise<SubmitAnnotationBatchResult> {
  const result = await recordBatch(db, p);
  void afterDecisions(db, p.projectId, { audit: false });
  return result;
}

async function recordBatch(db: Db, p: SubmitAnnotationBatchInput): Promise<SubmitAnnotationBatchResult> {
  const ids = p.decisions.map((d) => d.itemId);
  if (new Set(ids).size !== ids.length) throw new ValidationError("Each item may appear only once in a batch");
  const keys = ids.map((id) => keyFor(p.idempotencyKey, id));
  try {
    return await db.transaction((tx) => batchInTx(tx, p, keys));
  } catch (e) {
    if (!isUniqueViolation(e)) throw e;
    const stored = await findByKeys(db, p.projectId, p.actorId, keys);
    if (stored.length === 0) throw e;
    return { decisions: stored.map(toDecisionResult) };
  }
}

async function batchInTx(tx: Tx, p: SubmitAnnotationBatchInput, keys: string[]): Promise<SubmitAnnotationBatchResult> {
  const ids = p.decisions.map((d) => d.itemId);
  const found = await requireItems(tx, p.projectId, ids, { lock: true });
  const replay = await findByKeys(tx, p.projectId, p.actorId, keys);
  if (replay.length > 0) return { decisions: replay.map(toDecisionResult) };
  await refuseLeasedByOthers(tx, p, found);
  const plans = await planDecisions(tx, p);
  const previous = await lockLabels(tx, p.projectId, ids);
  const rows = await tx
    .insert(annotations)
    .values(
      plans.map((plan, i) => ({
        projectId: p.projectId,
        itemId: plan.itemId,
        userId: p.actorId,
        action: plan.action,
        categoryId: plan.categoryId,
        suggestedCategoryId: plan.suggestion?.categoryId ?? null,
        suggestedConfidence: plan.suggestion?.confidence ?? null,
        modelVersionId: plan.suggestion?.modelVersionId ?? null,
        // The grid reports one duration for the whole batch.
        timeSpentMs: p.timeSpentMs === undefined ? null : Math.round(p.timeSpentMs / plans.length),
        idempotencyKey: keys[i] ?? keyFor(p.idempotencyKey, plan.itemId),
        previousLabel: snapshotOf(previous.get(plan.itemId)),
      })),
    )
    .returning(decisionColumns);
  await writeHumanLabels(
    tx,
    p.projectId,
    rows.map((r) => ({ itemId: r.itemId, categoryId: r.categoryId, userId: p.actorId, annotationId: r.id })),
  );
  await resolveSuspects(tx, {
    projectId: p.projectId,
    actorId: p.actorId,
    decided: rows.map((r) => ({ itemId: r.itemId, categoryId: r.categoryId, annotationId: r.id })),
  });
  await tx.delete(leases).where(and(eq(leases.projectId, p.projectId), inArray(leases.itemId, ids)));
  await recordAudit(tx, {
    projectId: p.projectId,
    actorId: p.actorId,
    action: "annotation.batch",
    entityType: "item",
    after: { annotations: rows.map((r) => ({ annotationId: r.id, itemId: r.itemId, categoryId: r.categoryId })) },
  });
  return { decisions: rows.map(toDecisionResult) };
}

async function refuseLeasedByOthers(
  tx: Tx,
  p: SubmitAnnotationBatchInput,
  found: { id: number; externalId: string; title: string }[],
) {
  const held = await tx
    .select({ itemId: leases.itemId })
    .from(leases)
    .where(
      and(
        eq(leases.projectId, p.projectId),
        inArray(
          leases.itemId,
          found.map((f) => f.id),
        ),
        sql`${leases.userId} <> ${p.actorId} and ${leases.expiresAt} > now()`,
      ),
    )
    .for("update");
  if (held.length === 0) return;
  const heldIds = new Set(held.map((h) => h.itemId));
  const named = found
    .filter((f) => heldIds.has(f.id))
    .map((f) => ({ itemId: f.id, externalId: f.externalId, title: f.title }));
  throw new ConflictError(
    `${named.length} item(s) are being decided by someone else right now: ${named
      .slice(0, 5)
      .map((n) => n.externalId)
      .join(", ")}`,
    {
      items: named,
    },
  );
}

type Plan = Omit<BatchDecision, "categoryId"> & { categoryId: number | null; suggestion: Suggestion | null };

/** Resolves every decision's category before anything is written; any bad one fails the batch. */
async function planDecisions(tx: Tx, p: SubmitAnnotationBatchInput): Promise<Plan[]> {
  const suggestions = await loadSuggestions(
    tx,
    p.projectId,
    p.decisions.map((d) => d.itemId),
    p.modelVersionId,
  );
  const problems = { noSuggestion: [] as number[], uncategorised: [] as number[] };
  const plans = p.decisions.map((d): Plan => {
    const suggestion = suggestions.get(d.itemId) ?? null;
    if (d.action === "accept" && !suggestion) problems.noSuggestion.push(d.itemId);
    if (d.action === "correct" && d.categoryId === undefined) problems.uncategorised.push(d.itemId);
    const categoryId =
      d.action === "accept" ? (suggestion?.categoryId ?? null) : d.action === "correct" ? (d.categoryId ?? null) : null;
    return { ...d, categoryId, suggestion };
  });
  if (problems.noSuggestion.length > 0) {
    const ids = problems.noSuggestion;
    throw new ValidationError(`No model suggestion to accept for item(s) ${ids.slice(0, 10).join(", ")}`, {
      itemIds: ids,
    });
  }
  if (problems.uncategorised.length > 0)
    throw new ValidationError("A correction needs a category", { itemIds: problems.uncategorised });
  await requireLiveCategories(
    tx,
    p.projectId,
    plans.flatMap((x) => (x.categoryId === null ? [] : [x.categoryId])),
  );
  return plans;
}
