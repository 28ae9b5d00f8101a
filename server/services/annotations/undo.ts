/**
 * Undo of one's own last decision within a short window. Nothing is deleted:
 * an `undo` annotation points at the undone one, the label it replaced is
 * restored, and the item is leased back to the caller to decide again.
 */
import { and, desc, eq, ne, sql } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { annotations, leases, type PreviousLabel } from "@/db/schema";
import { tableAs } from "@/db/sql";
import { ConflictError, NotFoundError } from "@/server/errors";
import { recordAudit } from "@/server/services/audit";
import { lockLabels, restoreLabel, snapshotOf } from "@/server/services/labels";
import { findByKeys, leavesLabel, requireItems, undoOnce } from "./decision-shared";
import { claimForUser } from "@/server/services/queue";
import { getProjectSettings } from "@/server/services/projects";
import { reopenSuspects } from "@/server/services/label-errors";

export const UNDO_WINDOW_MS = 2 * 60 * 1000;

export type UndoAnnotationInput = {
  projectId: number;
  actorId: number;
  idempotencyKey: string;
  annotationId?: number;
  windowMs?: number;
};
export type UndoAnnotationResult = {
  undoAnnotationId: number;
  undoneAnnotationId: number;
  itemId: number;
  restoredLabel: { categoryId: number | null; source: string } | null;
  lease: { token: string; expiresAt: Date } | null;
};

export function undoAnnotation(db: Db, p: UndoAnnotationInput): Promise<UndoAnnotationResult> {
  return undoOnce(
    db,
    p.projectId,
    (tx) => undoInTx(tx, p),
    (d) => storedUndo(d, p),
    "That decision has already been undone",
  );
}

async function undoInTx(tx: Tx, p: UndoAnnotationInput): Promise<UndoAnnotationResult> {
  const replay = await storedUndo(tx, p);
  if (replay) return replay;
  const last = await lastDecision(tx, p);
  await requireItems(tx, p.projectId, [last.itemId]);
  const current = (await lockLabels(tx, p.projectId, [last.itemId])).get(last.itemId);
  if (!leavesLabel(last.action, last.reason, last.previousLabel)) {
    if (current?.annotationId !== last.id)
      throw new ConflictError("The item has been decided again since; your decision can no longer be undone");
    await restoreLabel(tx, { projectId: p.projectId, itemId: last.itemId, previous: last.previousLabel });
    await reopenSuspects(tx, { projectId: p.projectId, annotationId: last.id });
  }
  const [undo] = await tx
    .insert(annotations)
    .values({
      projectId: p.projectId,
      itemId: last.itemId,
      userId: p.actorId,
      action: "undo",
      categoryId: last.previousLabel?.categoryId ?? null,
      reason: last.reason,
      idempotencyKey: p.idempotencyKey,
      undoesAnnotationId: last.id,
      previousLabel: snapshotOf(current),
    })
    .returning({ id: annotations.id });
  const { leaseMinutes } = await getProjectSettings(tx, { projectId: p.projectId });
  const lease = await claimForUser(tx, {
    projectId: p.projectId,
    userId: p.actorId,
    itemId: last.itemId,
    reason: last.reason,
    leaseMinutes,
  });
  const restoredLabel = leavesLabel(last.action, last.reason, last.previousLabel)
    ? labelView(snapshotOf(current))
    : labelView(last.previousLabel);
  await recordAudit(tx, {
    projectId: p.projectId,
    actorId: p.actorId,
    action: "annotation.undo",
    entityType: "item",
    entityId: last.itemId,
    before: snapshotOf(current),
    after: { undoneAnnotationId: last.id, label: restoredLabel },
  });
  if (!undo) throw new Error("undo: the insert of the undo annotation returned no row");
  return { undoAnnotationId: undo.id, undoneAnnotationId: last.id, itemId: last.itemId, restoredLabel, lease };
}

const labelView = (l: PreviousLabel | null) => (l ? { categoryId: l.categoryId, source: l.source } : null);

/** The caller's most recent decision that is not itself an undo and not yet undone. */
async function lastDecision(tx: Tx, p: UndoAnnotationInput) {
  const windowMs = p.windowMs ?? UNDO_WINDOW_MS;
  const x = tableAs(annotations, "x");
  const [last] = await tx
    .select({
      id: annotations.id,
      itemId: annotations.itemId,
      action: annotations.action,
      reason: annotations.reason,
      previousLabel: annotations.previousLabel,
      recent: sql<boolean>`${annotations.createdAt} > now() - (${windowMs}::double precision * interval '1 millisecond')`,
    })
    .from(annotations)
    .where(
      and(
        eq(annotations.projectId, p.projectId),
        eq(annotations.userId, p.actorId),
        ne(annotations.action, "undo"),
        sql`not exists (select 1 from ${x.from} where ${x.t.undoesAnnotationId} = ${annotations.id})`,
      ),
    )
    .orderBy(desc(annotations.id))
    .limit(1);
  if (p.annotationId !== undefined && p.annotationId !== last?.id) await requireOwnAnnotation(tx, p, p.annotationId);
  if (!last) throw new ConflictError("You have no decision to undo");
  if (p.annotationId !== undefined && p.annotationId !== last.id) {
    throw new ConflictError("Only your most recent decision can be undone", { lastAnnotationId: last.id });
  }
  if (!last.recent) throw new ConflictError(`Decisions can be undone for ${Math.round(windowMs / 1000)} seconds only`);
  return last;
}

/** A foreign or unknown id is NOT_FOUND, like every by-id input. */
async function requireOwnAnnotation(tx: Tx, p: UndoAnnotationInput, id: number): Promise<void> {
  const [own] = await tx
    .select({ id: annotations.id })
    .from(annotations)
    .where(and(eq(annotations.projectId, p.projectId), eq(annotations.userId, p.actorId), eq(annotations.id, id)));
  if (!own) throw new NotFoundError("Decision");
}

async function storedUndo(db: Db | Tx, p: UndoAnnotationInput): Promise<UndoAnnotationResult | null> {
  const [a] = await findByKeys(db, p.projectId, p.actorId, [p.idempotencyKey]);
  if (!a) return null;
  const [undo] = await db
    .select({ id: annotations.id, undoes: annotations.undoesAnnotationId, categoryId: annotations.categoryId })
    .from(annotations)
    .where(and(eq(annotations.projectId, p.projectId), eq(annotations.id, a.id)));
  if (a.action !== "undo" || !undo?.undoes)
    throw new ConflictError("This idempotency key was already used for another request");
  const [lease] = await db
    .select({ token: leases.token, expiresAt: leases.expiresAt })
    .from(leases)
    .where(and(eq(leases.projectId, p.projectId), eq(leases.itemId, a.itemId), eq(leases.userId, p.actorId)));
  const [undone] = await findUndone(db, p.projectId, undo.undoes);
  return {
    undoAnnotationId: a.id,
    undoneAnnotationId: undo.undoes,
    itemId: a.itemId,
    restoredLabel:
      undone && !leavesLabel(undone.action, undone.reason, undone.previousLabel)
        ? labelView(undone.previousLabel)
        : labelView(a.previousLabel),
    lease: lease ?? null,
  };
}

function findUndone(db: Db | Tx, projectId: number, id: number) {
  return db
    .select({ action: annotations.action, reason: annotations.reason, previousLabel: annotations.previousLabel })
    .from(annotations)
    .where(and(eq(annotations.projectId, projectId), eq(annotations.id, id)));
}
