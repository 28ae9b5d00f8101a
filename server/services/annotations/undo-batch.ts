/**
 * Undo of one's own batch-grid decision as one action: every decision of the batch is undone together or none is.
 * As with a single undo nothing is deleted: an `undo` annotation points at each undone decision and the labels
 * domain restores the label each one replaced. Reviewers hold no leases, so nothing is leased back.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { annotations } from "@/db/schema";
import { tableAs } from "@/db/sql";
import { ConflictError, NotFoundError, ValidationError } from "@/server/errors";
import { recordAudit } from "@/server/services/audit";
import { lockLabels, restoreLabel, snapshotOf } from "@/server/services/labels";
import { reopenSuspects } from "@/server/services/label-errors";
import { findByKeys, leavesLabel, undoOnce } from "./decision-shared";

/** Longer than a single undo's window: a reviewer checks a large batch before noticing a wrong filter. */
export const BATCH_UNDO_WINDOW_MS = 10 * 60 * 1000;

export type UndoAnnotationBatchInput = {
  projectId: number;
  actorId: number;
  idempotencyKey: string;
  /** The batch's decisions, as submitBatch returned them. */
  annotationIds: number[];
  windowMs?: number;
};
export type UndoAnnotationBatchResult = { undone: { itemId: number; undoneAnnotationId: number }[] };

const keyFor = (key: string, annotationId: number) => `${key}:${annotationId}`;

export async function undoAnnotationBatch(db: Db, p: UndoAnnotationBatchInput): Promise<UndoAnnotationBatchResult> {
  if (new Set(p.annotationIds).size !== p.annotationIds.length)
    throw new ValidationError("Each decision may appear only once");
  return undoOnce(
    db,
    p.projectId,
    (tx) => undoInTx(tx, p),
    (d) => storedUndos(d, p),
    "Some of these decisions have already been undone",
  );
}

async function undoInTx(tx: Tx, p: UndoAnnotationBatchInput): Promise<UndoAnnotationBatchResult> {
  const replay = await storedUndos(tx, p);
  if (replay) return replay;
  const decided = await ownDecisions(tx, p);
  const itemIds = decided.map((d) => d.itemId);
  const current = await lockLabels(tx, p.projectId, itemIds);
  const changedSince = decided.filter(
    (d) => !leavesLabel(d.action, d.reason, d.previousLabel) && current.get(d.itemId)?.annotationId !== d.id,
  );
  if (changedSince.length > 0) {
    throw new ConflictError(
      `${changedSince.length} of these items have been decided again since; the batch can no longer be undone`,
      { itemIds: changedSince.map((d) => d.itemId) },
    );
  }
  for (const d of decided) {
    if (leavesLabel(d.action, d.reason, d.previousLabel)) continue;
    await restoreLabel(tx, { projectId: p.projectId, itemId: d.itemId, previous: d.previousLabel });
    await reopenSuspects(tx, { projectId: p.projectId, annotationId: d.id });
  }
  await tx.insert(annotations).values(
    decided.map((d) => ({
      projectId: p.projectId,
      itemId: d.itemId,
      userId: p.actorId,
      action: "undo" as const,
      categoryId: d.previousLabel?.categoryId ?? null,
      reason: d.reason,
      idempotencyKey: keyFor(p.idempotencyKey, d.id),
      undoesAnnotationId: d.id,
      previousLabel: snapshotOf(current.get(d.itemId)),
    })),
  );
  await recordAudit(tx, {
    projectId: p.projectId,
    actorId: p.actorId,
    action: "annotation.batch_undo",
    entityType: "item",
    before: {
      labels: decided.map((d) => ({ itemId: d.itemId, label: snapshotOf(current.get(d.itemId)) })),
    },
    after: {
      undone: decided.map((d) => ({ annotationId: d.id, itemId: d.itemId, restored: d.previousLabel ?? null })),
    },
  });
  return { undone: decided.map((d) => ({ itemId: d.itemId, undoneAnnotationId: d.id })) };
}

/** The caller's own, recent, not yet undone accept/correct/reject decisions with these ids, all of them or an error. */
async function ownDecisions(tx: Tx, p: UndoAnnotationBatchInput) {
  const windowMs = p.windowMs ?? BATCH_UNDO_WINDOW_MS;
  const x = tableAs(annotations, "x");
  const rows = await tx
    .select({
      id: annotations.id,
      itemId: annotations.itemId,
      action: annotations.action,
      reason: annotations.reason,
      previousLabel: annotations.previousLabel,
      undone: sql<boolean>`exists (select 1 from ${x.from} where ${x.t.undoesAnnotationId} = ${annotations.id})`,
      recent: sql<boolean>`${annotations.createdAt} > now() - (${windowMs}::double precision * interval '1 millisecond')`,
    })
    .from(annotations)
    .where(
      and(
        eq(annotations.projectId, p.projectId),
        eq(annotations.userId, p.actorId),
        inArray(annotations.id, p.annotationIds),
        inArray(annotations.action, ["accept", "correct", "reject"]),
      ),
    );
  // A foreign, unknown or non-decision id is NOT_FOUND, like every by-id input.
  if (rows.length !== p.annotationIds.length) throw new NotFoundError("Decision");
  if (rows.some((r) => r.undone)) throw new ConflictError("Some of these decisions have already been undone");
  if (rows.some((r) => !r.recent))
    throw new ConflictError(`A batch can be undone for ${Math.round(windowMs / 60_000)} minutes only`);
  return rows;
}

async function storedUndos(db: Db | Tx, p: UndoAnnotationBatchInput): Promise<UndoAnnotationBatchResult | null> {
  const keys = p.annotationIds.map((id) => keyFor(p.idempotencyKey, id));
  const stored = await findByKeys(db, p.projectId, p.actorId, keys);
  if (stored.length === 0) return null;
  const byKey = new Map(stored.map((s) => [s.idempotencyKey, s]));
  const undone = p.annotationIds.flatMap((id) => {
    const s = byKey.get(keyFor(p.idempotencyKey, id));
    return s ? [{ itemId: s.itemId, undoneAnnotationId: id }] : [];
  });
  return { undone };
}
