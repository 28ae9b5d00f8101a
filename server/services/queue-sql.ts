/**
 * SQL conditions shared by the queue, the status line and the stats, so
 * "which items can this person still be given" has one definition.
 * They correlate with the outer `items` table.
 */
import { and, eq, sql, type SQL } from "drizzle-orm";
import { items } from "@/db/schema";

/**
 * Already decided by a person or imported: only audits bring it back. By
 * primary key only (the outer item is already the project's): an extra
 * project filter here made the planner scan labels per item on fresh tables.
 */
export const hasTrustedLabel = sql`exists (select 1 from labels tl where tl.item_id = ${items.id} and tl.source in ('human', 'import'))`;

/** A skip that was later undone no longer hides the item. */
export const skippedBy = (projectId: number, userId: number): SQL => sql`exists (
  select 1 from annotations s
  where s.project_id = ${projectId} and s.item_id = ${items.id} and s.user_id = ${userId} and s.action = 'skip'
    and not exists (
      select 1 from annotations u
      where u.project_id = ${projectId} and u.item_id = s.item_id and u.undoes_annotation_id = s.id
    )
)`;

/** Database time, so app servers with skewed clocks agree on what is live. */
export const liveLease = sql`exists (select 1 from leases ll where ll.item_id = ${items.id} and ll.expires_at > now())`;

/** Pool items this person may still be given (ignoring leases). */
export function openForUser(projectId: number, userId: number): SQL {
  return and(
    eq(items.projectId, projectId),
    eq(items.split, "pool"),
    sql`not ${hasTrustedLabel}`,
    sql`not ${skippedBy(projectId, userId)}`,
  )!;
}

/** A seeded, repeatable random order (md5 of id and seed) that works on both databases. */
export const seededOrder = (seed: number): SQL => sql`md5(${items.id}::text || ${String(seed)})`;

/** Seeds for SQL and for the picking functions, drawn from the injectable rng. */
export const seedFrom = (rng: () => number): number => Math.floor(rng() * 2_147_483_647);
