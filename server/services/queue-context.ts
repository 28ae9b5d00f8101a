/**
 * The handoff context of a leased item: everything an annotator needs to
 * decide without opening another page (Prodigy-style task card).
 */
import { and, desc, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { annotations, categories, items, labels, predictions, users } from "@/db/schema";
import type { HeldLease } from "./queue-claim";
import type { QueueProject } from "./queue-choose";
import { decodeEmbedding } from "./queue-candidates";
import { findNeighbours, type Neighbour, type NeighbourResult } from "./queue-neighbours";
import type { Strategy } from "./queue-picking";

const HISTORY_PER_ITEM = 10;

type CategoryRef = { categoryId: number | null; path: string | null; deleted: boolean };
export type HandoffItem = {
  lease: { token: string; expiresAt: Date };
  item: { id: number; externalId: string; title: string; description: string | null; attributes: Record<string, unknown> };
  pick: { reason: string; strategy: Strategy; score: number | null };
  prediction: {
    modelVersionId: number;
    confidence: number;
    margin: number;
    entropy: number;
    top: (CategoryRef & { prob: number })[];
  } | null;
  currentLabel: (CategoryRef & { source: string; updatedAt: Date }) | null;
  neighbours: { basis: "embedding" | "title" | "none"; items: (Neighbour & { label: CategoryRef & { source: string } })[] };
  history: (CategoryRef & { annotationId: number; action: string; userName: string; createdAt: Date })[];
};

export async function buildHandoff(db: DbOrTx, project: QueueProject, held: HeldLease[]): Promise<HandoffItem[]> {
  const rows = await loadContextRows(db, project, held.map((h) => h.itemId));
  const near = await findNeighbours(db, {
    projectId: project.id,
    modelVersionId: project.activeModelVersionId,
    targets: [...rows.items.values()].map((r) => ({ itemId: r.id, title: r.title, embedding: decodeEmbedding(rows.predictions.get(r.id)?.embedding) })),
  });
  const cat = await categoryLookup(db, project.id, [
    ...[...rows.predictions.values()].flatMap((r) => r.top.map((t) => t.categoryId)),
    ...[...rows.labels.values()].map((r) => r.categoryId),
    ...rows.history.map((r) => r.categoryId),
    ...[...near.values()].flatMap((n) => n.neighbours.map((x) => x.label.categoryId)),
  ]);
  return held.flatMap((h) => {
    const item = rows.items.get(h.itemId);
    return item ? [assemble(h, item, rows, near.get(h.itemId), cat, project.settings.strategy)] : [];
  });
}

type ContextRows = Awaited<ReturnType<typeof loadContextRows>>;

async function loadContextRows(db: DbOrTx, project: QueueProject, ids: number[]) {
  const mv = project.activeModelVersionId;
  const [itemRows, predRows, labelRows, history] = await Promise.all([
    db
      .select({ id: items.id, externalId: items.externalId, title: items.title, description: items.description, attributes: items.attributes })
      .from(items)
      .where(and(eq(items.projectId, project.id), inArray(items.id, ids))),
    mv === null ? Promise.resolve([]) : loadPredictions(db, project.id, mv, ids),
    db
      .select({ itemId: labels.itemId, categoryId: labels.categoryId, source: labels.source, updatedAt: labels.updatedAt })
      .from(labels)
      .where(and(eq(labels.projectId, project.id), inArray(labels.itemId, ids))),
    loadHistory(db, project.id, ids),
  ]);
  return {
    items: new Map(itemRows.map((r) => [r.id, r])),
    predictions: new Map(predRows.map((r) => [r.itemId, r])),
    labels: new Map(labelRows.map((r) => [r.itemId, r])),
    history,
  };
}

function assemble(
  h: HeldLease,
  item: HandoffItem["item"],
  rows: ContextRows,
  near: NeighbourResult | undefined,
  cat: (id: number | null) => CategoryRef,
  strategy: Strategy,
): HandoffItem {
  const pred = rows.predictions.get(h.itemId);
  const label = rows.labels.get(h.itemId);
  const nb = near ?? { basis: "none" as const, neighbours: [] };
  return {
    lease: { token: h.token, expiresAt: h.expiresAt },
    item,
    pick: { reason: h.reason, strategy, score: h.score },
    prediction: pred
      ? { modelVersionId: pred.modelVersionId, confidence: pred.confidence, margin: pred.margin, entropy: pred.entropy, top: pred.top.map((t) => ({ ...cat(t.categoryId), prob: t.prob })) }
      : null,
    currentLabel: label ? { ...cat(label.categoryId), source: label.source, updatedAt: label.updatedAt } : null,
    neighbours: { basis: nb.basis, items: nb.neighbours.map((x) => ({ ...x, label: { ...cat(x.label.categoryId), source: x.label.source } })) },
    history: rows.history
      .filter((r) => r.itemId === h.itemId)
      .slice(0, HISTORY_PER_ITEM)
      .map((r) => ({ annotationId: r.annotationId, action: r.action, userName: r.userName, createdAt: r.createdAt, ...cat(r.categoryId) })),
  };
}

function loadPredictions(db: DbOrTx, projectId: number, modelVersionId: number, ids: number[]) {
  return db
    .select({
      itemId: predictions.itemId,
      modelVersionId: predictions.modelVersionId,
      confidence: predictions.confidence,
      margin: predictions.margin,
      entropy: predictions.entropy,
      top: predictions.top,
      embedding: predictions.embedding,
    })
    .from(predictions)
    .where(and(eq(predictions.projectId, projectId), eq(predictions.modelVersionId, modelVersionId), inArray(predictions.itemId, ids)));
}

function loadHistory(db: DbOrTx, projectId: number, ids: number[]) {
  return db
    .select({
      annotationId: annotations.id,
      itemId: annotations.itemId,
      action: annotations.action,
      categoryId: annotations.categoryId,
      userName: users.name,
      createdAt: annotations.createdAt,
    })
    .from(annotations)
    .innerJoin(users, eq(users.id, annotations.userId))
    .where(and(eq(annotations.projectId, projectId), inArray(annotations.itemId, ids)))
    .orderBy(desc(annotations.id))
    .limit(ids.length * HISTORY_PER_ITEM);
}

/** Category paths for display; soft-deleted ones are flagged, never hidden. */
async function categoryLookup(db: DbOrTx, projectId: number, ids: (number | null)[]) {
  const wanted = [...new Set(ids.filter((x): x is number => x !== null))];
  const rows = wanted.length
    ? await db
        .select({ id: categories.id, path: categories.path, deletedAt: categories.deletedAt })
        .from(categories)
        .where(and(eq(categories.projectId, projectId), inArray(categories.id, wanted)))
    : [];
  const map = new Map(rows.map((r) => [r.id, r]));
  return (id: number | null): CategoryRef => {
    const c = id === null ? undefined : map.get(id);
    return { categoryId: id, path: c?.path ?? null, deleted: c ? c.deletedAt !== null : false };
  };
}
