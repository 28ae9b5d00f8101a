/**
 * Evaluation picks: items drawn uniformly at random from the pool items this
 * person may still be given (no person's or imported label; auto labels are
 * in, since measuring them is the point). Uniform means every open item is
 * equally likely, whatever its text and however the labelled items around it
 * lie, so the decisions grade the model on the catalogue as it is.
 *
 * Rejection sampling over the item ids: ids are drawn uniformly from the
 * project's pool id range, and the first draws that land on an open item are
 * taken, in draw order. The first such draw is uniform over the open items
 * (each id is equally likely, and an id that is not open is skipped whatever
 * the item). A walk from a random pivot on a hash ring (the audits' sampler)
 * is not: an item after a long gap in the ring would come up more often.
 */
import { and, eq, inArray, notInArray, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/db/client";
import { annotations, items, labels } from "@/db/schema";
import { tableAs } from "@/db/sql";
import { awaitingSecondOpinion } from "@/server/services/evaluation";
import { liveLease, openForUser } from "./open-items-sql";
import type { CandidateQuery } from "./candidates";
import type { Rng } from "./choose";

/** Draws per wanted item and round; two rounds, then an exact (scanning) fallback for nearly exhausted pools. */
const DRAWS_PER_ITEM = 64;
const ROUNDS = 2;

type EvaluationQuery = Omit<CandidateQuery, "seed"> & { rng: Rng };

async function poolIdRange(tx: DbOrTx, projectId: number): Promise<{ lo: number; hi: number } | null> {
  const [r] = await tx
    .select({ lo: sql<number | null>`min(${items.id})`, hi: sql<number | null>`max(${items.id})` })
    .from(items)
    .where(and(eq(items.projectId, projectId), eq(items.split, "pool")));
  return r?.lo == null || r.hi == null ? null : { lo: Number(r.lo), hi: Number(r.hi) };
}

function openHere(q: EvaluationQuery, extra: (SQL | undefined)[] = []): SQL | undefined {
  return and(
    openForUser(q.projectId, q.userId),
    sql`not ${liveLease}`,
    q.excludeIds.length ? notInArray(items.id, q.excludeIds) : undefined,
    ...extra,
  );
}

/** Of `ids` (in draw order, duplicates dropped), those open to the caller, locked; at most `limit`. */
async function openAmong(tx: DbOrTx, q: EvaluationQuery, ids: number[]): Promise<number[]> {
  const unique = [...new Set(ids)];
  const rows = await tx
    .select({ id: items.id })
    .from(items)
    .where(openHere(q, [inArray(items.id, unique)]))
    .for("no key update", { of: items, skipLocked: true });
  const open = new Set(rows.map((r) => r.id));
  return unique.filter((id) => open.has(id)).slice(0, q.limit);
}

export async function evaluationCandidates(tx: DbOrTx, q: EvaluationQuery): Promise<number[]> {
  if (q.limit <= 0) return [];
  const range = await poolIdRange(tx, q.projectId);
  if (!range) return [];
  const out: number[] = [];
  for (let round = 0; round < ROUNDS && out.length < q.limit; round++) {
    const draws = Array.from(
      { length: DRAWS_PER_ITEM * (q.limit - out.length) },
      () => range.lo + Math.floor(q.rng() * (range.hi - range.lo + 1)),
    );
    out.push(
      ...(await openAmong(tx, { ...q, limit: q.limit - out.length, excludeIds: [...q.excludeIds, ...out] }, draws)),
    );
  }
  if (out.length >= q.limit) return out;
  // Few open items left among many ids: order them at random in the database (a scan, but of a small remainder).
  const rest = await tx
    .select({ id: items.id })
    .from(items)
    .where(openHere({ ...q, excludeIds: [...q.excludeIds, ...out] }))
    .orderBy(sql`random()`)
    .limit(q.limit - out.length)
    .for("no key update", { of: items, skipLocked: true });
  return [...out, ...rest.map((r) => r.id)];
}

/**
 * When two people must agree before an evaluation item becomes gold: items a
 * colleague decided as evaluation picks that still wait for a second opinion,
 * which this caller has never decided.
 */
export async function evaluationSecondOpinions(tx: DbOrTx, q: EvaluationQuery): Promise<number[]> {
  if (q.limit <= 0) return [];
  const own = tableAs(annotations, "own");
  const rows = await tx
    .select({ id: items.id })
    .from(items)
    .innerJoin(labels, and(eq(labels.itemId, items.id), eq(labels.projectId, q.projectId)))
    .where(
      and(
        eq(items.projectId, q.projectId),
        eq(items.split, "pool"),
        awaitingSecondOpinion(q.projectId, items.id, labels),
        sql`${labels.userId} is distinct from ${q.userId}`,
        sql`not exists (select 1 from ${own.from} where ${own.t.projectId} = ${q.projectId}
          and ${own.t.itemId} = ${items.id} and ${own.t.userId} = ${q.userId})`,
        sql`not ${liveLease}`,
        q.excludeIds.length ? notInArray(items.id, q.excludeIds) : undefined,
      ),
    )
    .orderBy(items.id)
    .limit(q.limit)
    .for("no key update", { of: items, skipLocked: true });
  return rows.map((r) => r.id);
}
