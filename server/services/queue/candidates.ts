/**
 * Candidate rows for the queue. Each query locks the items it returns with
 * FOR NO KEY UPDATE SKIP LOCKED: concurrent callers pass over each other's
 * candidates instead of waiting, while submits (which only take KEY SHARE
 * locks through their foreign keys) are never blocked. The lease primary key
 * remains the guarantee; the locks only keep callers from colliding.
 */
import { and, asc, desc, eq, notInArray, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { annotations, items, labels, predictions } from "@/db/schema";
import { tableAs } from "@/db/sql";
import type { ColdStartCandidate, ReviewCandidate, Strategy } from "./picking";
import { isMarked, scoreColumn, type LowWaterMark } from "./low-water";
import { awaitingAudit, secondOpinionGiven } from "@/server/services/labels";
import { liveLease, openForUser, randomKey, skippedBy, walkFromPivot } from "./open-items-sql";

export type CandidateQuery = {
  projectId: number;
  userId: number;
  limit: number;
  seed: number;
  /** Ids already chosen in this call (an audit pick must not be picked twice). */
  excludeIds: number[];
};

const notExcluded = (ids: number[]): SQL | undefined => (ids.length ? notInArray(items.id, ids) : undefined);

function strategyOrder(strategy: Strategy): SQL[] {
  if (strategy === "margin") return [asc(predictions.margin), asc(items.id)];
  if (strategy === "least_confidence") return [asc(predictions.confidence), asc(items.id)];
  if (strategy === "entropy") return [desc(predictions.entropy), asc(items.id)];
  return [randomKey];
}

type ModelQuery = CandidateQuery & {
  modelVersionId: number;
  strategy: Strategy;
  withEmbeddings: boolean;
  from?: LowWaterMark | null;
};

/**
 * Unlabelled (or auto-labelled) pool items ranked by the active model's
 * uncertainty. With a low-water mark (queue-low-water.ts) the index scan
 * starts there; when that finds fewer rows than asked, the query is repeated
 * from the start, so an item that opened again before the mark is never lost.
 */
export async function modelCandidates(tx: DbOrTx, q: ModelQuery): Promise<ReviewCandidate[]> {
  if (q.strategy === "random")
    return walkFromPivot(q.seed, q.limit, (range, limit) => modelCandidatesFrom(tx, { ...q, limit }, range));
  if (q.from && isMarked(q.strategy)) {
    const rows = await modelCandidatesFrom(
      tx,
      q,
      sql`(${scoreColumn(q.strategy)}, ${predictions.itemId}) >= (${q.from.value}, ${q.from.itemId})`,
    );
    if (rows.length >= q.limit) return rows;
  }
  return modelCandidatesFrom(tx, q, undefined);
}

async function modelCandidatesFrom(tx: DbOrTx, q: ModelQuery, from: SQL | undefined): Promise<ReviewCandidate[]> {
  const rows = await tx
    .select({
      id: items.id,
      topCategoryId: predictions.categoryId,
      confidence: predictions.confidence,
      margin: predictions.margin,
      entropy: predictions.entropy,
      embedding: q.withEmbeddings ? predictions.embedding : sql<null>`null`,
    })
    .from(items)
    // The version is the project's own and items are filtered by project; joining on the
    // primary key alone keeps the planner on it even before the tables are analysed.
    .innerJoin(predictions, and(eq(predictions.modelVersionId, q.modelVersionId), eq(predictions.itemId, items.id)))
    .where(and(from, openForUser(q.projectId, q.userId), sql`not ${liveLease}`, notExcluded(q.excludeIds)))
    .orderBy(...strategyOrder(q.strategy))
    .limit(q.limit)
    .for("no key update", { of: items, skipLocked: true });
  return rows.map((r) => ({
    id: r.id,
    prediction: {
      topCategoryId: r.topCategoryId,
      confidence: r.confidence,
      margin: r.margin,
      entropy: r.entropy,
      embedding: decodeEmbedding(r.embedding),
    },
  }));
}

/**
 * Open items in a seeded random order: the cold-start pool when there is no
 * model, or items the active model has not scored yet (`unscoredBy`).
 */
export async function randomCandidates(
  tx: DbOrTx,
  q: CandidateQuery & { unscoredBy?: number },
): Promise<ColdStartCandidate[]> {
  const up = tableAs(predictions, "up");
  const unscored =
    q.unscoredBy === undefined
      ? undefined
      : sql`not exists (select 1 from ${up.from} where ${up.t.modelVersionId} = ${q.unscoredBy} and ${up.t.itemId} = ${items.id})`;
  const rows = await walkFromPivot(q.seed, q.limit, (range, limit) =>
    tx
      .select({ id: items.id, title: items.title, description: items.description })
      .from(items)
      .where(and(range, openForUser(q.projectId, q.userId), sql`not ${liveLease}`, notExcluded(q.excludeIds), unscored))
      .orderBy(randomKey)
      .limit(limit)
      .for("no key update", { of: items, skipLocked: true }),
  );
  return rows.map((r) => ({ id: r.id, input: { title: r.title, description: r.description } }));
}

/**
 * A random sample of pool items whose current label has the given source and
 * meets `conditions`, open to this caller (not leased, not chosen already in
 * this call), locked like every candidate: the shape of audits and second opinions.
 */
async function sampleLabelled(
  tx: DbOrTx,
  q: CandidateQuery,
  source: "auto" | "human",
  conditions: SQL[],
): Promise<number[]> {
  const rows = await walkFromPivot(q.seed, q.limit, (range, limit) =>
    tx
      .select({ id: items.id })
      .from(items)
      .innerJoin(labels, and(eq(labels.itemId, items.id), eq(labels.projectId, q.projectId), eq(labels.source, source)))
      .where(
        and(
          eq(items.projectId, q.projectId),
          eq(items.split, "pool"),
          range,
          ...conditions,
          sql`not ${liveLease}`,
          notExcluded(q.excludeIds),
        ),
      )
      .orderBy(randomKey)
      .limit(limit)
      .for("no key update", { of: items, skipLocked: true }),
  );
  return rows.map((r) => r.id);
}

/**
 * Auto-accepted items in the audit sample (drawn at the project's audit rate)
 * that nobody has checked since the label was set: a person confirming or
 * correcting one is what measures the auto-accept precision.
 */
export function auditCandidates(tx: DbOrTx, q: CandidateQuery, auditRate: number): Promise<number[]> {
  const waiting = awaitingAudit(
    q.projectId,
    { source: labels.source, updatedAt: labels.updatedAt, itemId: items.id },
    auditRate,
  );
  return sampleLabelled(tx, q, "auto", [sql`not ${skippedBy(q.projectId, q.userId)}`, waiting]);
}

/**
 * Items another person decided, for a blind second decision (overlap picks):
 * a live human label set by someone else, no decision of the caller's on the
 * item ever (a second opinion must be independent; a skip counts), and no
 * second opinion yet that stands (one per item: agreement is measured on pairs).
 */
export function overlapCandidates(tx: DbOrTx, q: CandidateQuery): Promise<number[]> {
  const own = tableAs(annotations, "own");
  const decided = sql`exists (
    select 1 from ${own.from} where ${own.t.projectId} = ${q.projectId} and ${own.t.itemId} = ${items.id} and ${own.t.userId} = ${q.userId}
  )`;
  return sampleLabelled(tx, q, "human", [
    sql`${labels.userId} is distinct from ${q.userId}`,
    sql`not ${decided}`,
    sql`not ${secondOpinionGiven(q.projectId, sql`${items.id}`)}`,
  ]);
}

/** Embeddings are stored as raw little-endian float32 bytes. */
export function decodeEmbedding(bytes: Uint8Array | null | undefined): Float32Array | null {
  if (!bytes || bytes.byteLength === 0 || bytes.byteLength % 4 !== 0) return null;
  // Copy: a driver buffer may start at an offset that Float32Array cannot view.
  return new Float32Array(Uint8Array.from(bytes).buffer);
}
