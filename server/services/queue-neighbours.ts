/**
 * "Items like this one that are already labelled": by cosine similarity of the
 * active model's embeddings, or by title word overlap when there are none.
 * Work is bounded: at most NEIGHBOUR_POOL labelled items, most recent first.
 */
import { and, desc, eq, isNotNull } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { items, labels, predictions } from "@/db/schema";
import { decodeEmbedding } from "./queue-candidates";
import { cosine } from "./queue-picking";

export const NEIGHBOUR_POOL = 2_000;
export const NEIGHBOUR_COUNT = 5;

export type NeighbourTarget = { itemId: number; title: string; embedding: Float32Array | null };
export type Neighbour = {
  itemId: number;
  title: string;
  similarity: number;
  label: { categoryId: number | null; source: string };
};
export type NeighbourResult = { basis: "embedding" | "title" | "none"; neighbours: Neighbour[] };

type Labelled = { itemId: number; title: string; categoryId: number | null; source: string };

export async function findNeighbours(
  db: DbOrTx,
  p: { projectId: number; modelVersionId: number | null; targets: NeighbourTarget[] },
): Promise<Map<number, NeighbourResult>> {
  const out = new Map<number, NeighbourResult>();
  const withEmb = p.targets.filter((t) => t.embedding);
  if (p.modelVersionId !== null && withEmb.length > 0) {
    const pool = await labelledWithEmbeddings(db, p.projectId, p.modelVersionId);
    for (const t of withEmb) out.set(t.itemId, rank(pool, t.itemId, (c) => cosine(t.embedding!, c.embedding), "embedding"));
  }
  const rest = p.targets.filter((t) => !out.has(t.itemId));
  if (rest.length > 0) {
    const pool = (await labelledTitles(db, p.projectId)).map((l) => ({ ...l, words: words(l.title) }));
    for (const t of rest) {
      const mine = words(t.title);
      out.set(t.itemId, rank(pool, t.itemId, (c) => jaccard(mine, c.words), "title"));
    }
  }
  return out;
}

function rank<T extends Labelled>(pool: T[], selfId: number, sim: (c: T) => number, basis: "embedding" | "title"): NeighbourResult {
  const scored = pool
    .filter((c) => c.itemId !== selfId)
    .map((c) => ({ c, s: sim(c) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s)
    .slice(0, NEIGHBOUR_COUNT);
  if (scored.length === 0) return { basis: "none", neighbours: [] };
  return {
    basis,
    neighbours: scored.map(({ c, s }) => ({
      itemId: c.itemId,
      title: c.title,
      similarity: Math.round(s * 1000) / 1000,
      label: { categoryId: c.categoryId, source: c.source },
    })),
  };
}

const labelledColumns = { itemId: labels.itemId, title: items.title, categoryId: labels.categoryId, source: labels.source };

async function labelledWithEmbeddings(db: DbOrTx, projectId: number, modelVersionId: number) {
  const rows = await db
    .select({ ...labelledColumns, embedding: predictions.embedding })
    .from(labels)
    .innerJoin(items, and(eq(items.id, labels.itemId), eq(items.projectId, projectId)))
    .innerJoin(predictions, and(eq(predictions.itemId, labels.itemId), eq(predictions.modelVersionId, modelVersionId)))
    .where(and(eq(labels.projectId, projectId), isNotNull(predictions.embedding)))
    .orderBy(desc(labels.updatedAt))
    .limit(NEIGHBOUR_POOL);
  return rows.flatMap((r) => {
    const embedding = decodeEmbedding(r.embedding);
    return embedding ? [{ itemId: r.itemId, title: r.title, categoryId: r.categoryId, source: r.source, embedding }] : [];
  });
}

async function labelledTitles(db: DbOrTx, projectId: number): Promise<Labelled[]> {
  return db
    .select(labelledColumns)
    .from(labels)
    .innerJoin(items, and(eq(items.id, labels.itemId), eq(items.projectId, projectId)))
    .where(eq(labels.projectId, projectId))
    .orderBy(desc(labels.updatedAt))
    .limit(NEIGHBOUR_POOL);
}

function words(title: string): Set<string> {
  return new Set(title.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 1));
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let inter = 0;
  for (const w of a) if (b.has(w)) inter++;
  return inter / (a.size + b.size - inter);
}
