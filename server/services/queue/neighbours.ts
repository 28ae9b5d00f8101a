/**
 * "Items like this one that are already labelled": by cosine similarity of the
 * active model's embeddings, or by title word overlap when there are none.
 * Work is bounded: at most NEIGHBOUR_POOL labelled items, most recent first,
 * read through the in-process pool cache (queue-neighbour-pool.ts).
 */
import type { DbOrTx } from "@/db/client";
import { embeddingPool, titlePool, titleWords, type EmbeddingPool, type Labelled } from "./neighbour-pool";

export const NEIGHBOUR_COUNT = 5;

export type NeighbourTarget = { itemId: number; title: string; embedding: Float32Array | null };
export type Neighbour = {
  itemId: number;
  title: string;
  similarity: number;
  /** Path and deleted flag as of the pool's last load (a few seconds at most). */
  label: { categoryId: number | null; path: string | null; deleted: boolean; source: string };
};
export type NeighbourResult = { basis: "embedding" | "title" | "none"; neighbours: Neighbour[] };

const NO_WORDS: ReadonlySet<string> = new Set();

export async function findNeighbours(
  db: DbOrTx,
  p: { projectId: number; modelVersionId: number | null; targets: NeighbourTarget[] },
): Promise<Map<number, NeighbourResult>> {
  const out = new Map<number, NeighbourResult>();
  const withEmb = p.targets.filter((t): t is NeighbourTarget & { embedding: Float32Array } => Boolean(t.embedding));
  if (p.modelVersionId !== null && withEmb.length > 0) {
    const pool = await embeddingPool(db, p.projectId, p.modelVersionId);
    for (const t of withEmb) out.set(t.itemId, rank(pool.rows, t.itemId, cosineTo(pool, t.embedding), "embedding"));
  }
  const rest = p.targets.filter((t) => !out.has(t.itemId));
  if (rest.length > 0) {
    const pool = await titlePool(db, p.projectId);
    for (const t of rest) {
      const mine = titleWords(t.title);
      out.set(
        t.itemId,
        rank(pool.rows, t.itemId, (i) => jaccard(mine, pool.words[i] ?? NO_WORDS), "title"),
      );
    }
  }
  return out;
}

/** Cosine similarity of the target to pool row i (same arithmetic as a plain cosine: float64 sums). */
function cosineTo(pool: EmbeddingPool, target: Float32Array): (i: number) => number {
  const len = Math.min(pool.dim, target.length);
  let tt = 0;
  for (let j = 0; j < len; j++) tt += (target[j] as number) ** 2;
  const tn = Math.sqrt(tt);
  return (i) => {
    const norm = pool.norms[i] as number;
    if (tn === 0 || norm === 0) return 0;
    let dot = 0;
    const base = i * pool.dim;
    for (let j = 0; j < len; j++) dot += (target[j] as number) * (pool.vectors[base + j] as number);
    return dot / (tn * norm);
  };
}

/**
 * The NEIGHBOUR_COUNT most similar rows with a positive similarity, best first;
 * equal similarities keep pool order (most recently labelled first).
 */
function rank(
  rows: Labelled[],
  selfId: number,
  sim: (i: number) => number,
  basis: "embedding" | "title",
): NeighbourResult {
  const top: { i: number; s: number }[] = [];
  for (let i = 0; i < rows.length; i++) {
    if (rows[i]?.itemId === selfId) continue;
    const s = sim(i);
    // `top` holds at most NEIGHBOUR_COUNT rows, best first: a full list's last one is the one to beat.
    const worst = top[NEIGHBOUR_COUNT - 1];
    if (!(s > 0) || (worst !== undefined && s <= worst.s)) continue;
    // After every row at least as similar (equal ones keep pool order).
    const at = top.findIndex((t) => t.s < s);
    top.splice(at < 0 ? top.length : at, 0, { i, s });
    if (top.length > NEIGHBOUR_COUNT) top.pop();
  }
  if (top.length === 0) return { basis: "none", neighbours: [] };
  return {
    basis,
    neighbours: top.map(({ i, s }) => {
      const c = rows[i];
      if (!c) throw new Error(`neighbours: pool row ${i} is missing`);
      return {
        itemId: c.itemId,
        title: c.title,
        similarity: Math.round(s * 1000) / 1000,
        label: { categoryId: c.categoryId, path: c.path, deleted: c.deleted, source: c.source },
      };
    }),
  };
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let inter = 0;
  for (const w of a) if (b.has(w)) inter++;
  return inter / (a.size + b.size - inter);
}
