/**
 * SQL conditions shared by the queue, the status line and the stats, so
 * "which items can this person still be given" has one definition.
 * They correlate with the outer `items` table.
 */
import { and, eq, sql, type SQL } from "drizzle-orm";
import { annotations, items, labels, leases } from "@/db/schema";
import { tableAs } from "@/db/sql";

/** The tables under the aliases the conditions below correlate with. */
const tl = tableAs(labels, "tl");
const skip = tableAs(annotations, "s");
const undo = tableAs(annotations, "u");
const ll = tableAs(leases, "ll");

/**
 * Already decided by a person or imported: only audits bring it back. By
 * primary key only (the outer item is already the project's): an extra
 * project filter here made the planner scan labels per item on fresh tables.
 */
export const hasTrustedLabel = sql`exists (select 1 from ${tl.from} where ${tl.t.itemId} = ${items.id}
  and ${tl.t.source} in ('human', 'import'))`;

/** A skip that was later undone no longer hides the item. */
export const skippedBy = (projectId: number, userId: number): SQL => sql`exists (
  select 1 from ${skip.from}
  where ${skip.t.projectId} = ${projectId} and ${skip.t.itemId} = ${items.id} and ${skip.t.userId} = ${userId} and ${skip.t.action} = 'skip'
    and not exists (
      select 1 from ${undo.from}
      where ${undo.t.projectId} = ${projectId} and ${undo.t.itemId} = ${skip.t.itemId} and ${undo.t.undoesAnnotationId} = ${skip.t.id}
    )
)`;

/** Database time, so app servers with skewed clocks agree on what is live. */
export const liveLease = sql`exists (select 1 from ${ll.from} where ${ll.t.itemId} = ${items.id} and ${ll.t.expiresAt} > now())`;

/** Pool items this person may still be given (ignoring leases). */
export function openForUser(projectId: number, userId: number): SQL {
  const open = and(
    eq(items.projectId, projectId),
    eq(items.split, "pool"),
    sql`not ${hasTrustedLabel}`,
    sql`not ${skippedBy(projectId, userId)}`,
  );
  if (!open) throw new Error("openForUser: and() of its conditions gave no SQL");
  return open;
}

/**
 * A fixed pseudo-random key per item, indexed with the project and split
 * (items_project_random_idx). A random sample is the walk up this key from a
 * random pivot: an index range scan that stops after `limit` rows, where
 * ordering by a per-call hash (md5 of id and seed) hashed and sorted every
 * candidate (bench:api's Postgres log: 40-85 ms per audit pick on 5,500 auto
 * labels, 43-140 ms per cold-start pick of 10 on 20,000 items; both now under
 * 20 ms, the log's threshold). The key does not depend on what an item
 * is or how it was labelled, so a sample from a random pivot is as unbiased a
 * sample of the candidates as a random order (audits measure precision with it).
 */
export const randomKey = sql<number>`hashint4(${items.id})`;

const INT4_SPAN = 2 ** 32;

/** Where a seed (0 .. 2^31-1, see seedFrom) starts the walk, spread over the whole int4 range. */
export const pivotOf = (seed: number): number => Math.floor((seed / 2_147_483_647) * (INT4_SPAN - 1)) - 2 ** 31;

/**
 * Rows in randomKey order from the seed's pivot, wrapping around past the end
 * of the range: `query` is run with a range condition for its WHERE and must
 * order by randomKey; the second call only happens when the first is short.
 */
export async function walkFromPivot<T>(
  seed: number,
  limit: number,
  query: (range: SQL, limit: number) => Promise<T[]>,
): Promise<T[]> {
  const pivot = pivotOf(seed);
  const first = await query(sql`${randomKey} >= ${pivot}`, limit);
  if (first.length >= limit) return first;
  return [...first, ...(await query(sql`${randomKey} < ${pivot}`, limit - first.length))];
}

/** Seeds for SQL and for the picking functions, drawn from the injectable rng. */
export const seedFrom = (rng: () => number): number => Math.floor(rng() * 2_147_483_647);
