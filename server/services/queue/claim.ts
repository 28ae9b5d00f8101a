/**
 * Leases: claimed through the primary key on leases.item_id, so the database,
 * not this code, guarantees one live lease per item.
 */
import { randomUUID } from "node:crypto";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { executeRows, type DbOrTx } from "@/db/client";
import { leases } from "@/db/schema";
import { secondOpinionGiven } from "@/server/services/labels";

export type PickReason = "uncertain" | "audit" | "cold_start" | "random" | "overlap";
export type Pick = { itemId: number; reason: PickReason; score: number | null };
export type HeldLease = { itemId: number; token: string; reason: string; score: number | null; expiresAt: Date };

const heldColumns = {
  itemId: leases.itemId,
  token: leases.token,
  reason: leases.reason,
  score: leases.score,
  expiresAt: leases.expiresAt,
};

/** Lease expiry computed by the database clock. */
export const expiryIn = (minutes: number) => sql`now() + (${minutes}::double precision * interval '1 minute')`;

/**
 * Claims picks for a user. A row is taken over only when its lease has
 * expired; RETURNING then lists exactly the rows this call now holds.
 */
export async function claimLeases(
  tx: DbOrTx,
  p: { projectId: number; userId: number; leaseMinutes: number; picks: Pick[] },
): Promise<HeldLease[]> {
  if (p.picks.length === 0) return [];
  const values = p.picks.map((x) => ({
    itemId: x.itemId,
    projectId: p.projectId,
    userId: p.userId,
    token: randomUUID(),
    reason: x.reason,
    score: x.score,
    expiresAt: expiryIn(p.leaseMinutes),
    createdAt: sql`now()`,
  }));
  return tx
    .insert(leases)
    .values(values)
    .onConflictDoUpdate({
      target: leases.itemId,
      set: {
        projectId: sql`excluded.project_id`,
        userId: sql`excluded.user_id`,
        token: sql`excluded.token`,
        reason: sql`excluded.reason`,
        score: sql`excluded.score`,
        expiresAt: sql`excluded.expires_at`,
        createdAt: sql`excluded.created_at`,
      },
      setWhere: sql`${leases.expiresAt} <= now()`,
    })
    .returning(heldColumns);
}

/**
 * Our candidate read may predate a concurrent submit that labelled an item
 * whose (expired) lease we then took over; this statement sees that commit
 * (it starts after the claim's), so such claims are given back before anyone
 * sees them. A second-opinion claim goes back when the item no longer has
 * another person's label, or someone gave the second opinion meanwhile. The same statement audits the claims kept ("lease.claim", items
 * in the order given): one round trip instead of two.
 */
export async function keepClaims(
  tx: DbOrTx,
  projectId: number,
  userId: number,
  claimed: HeldLease[],
): Promise<HeldLease[]> {
  if (claimed.length === 0) return claimed;
  const ids = sql.join(
    claimed.map((c) => sql`${c.itemId}`),
    sql`, `,
  );
  const given = sql.join(
    claimed.map((c, i) => sql`(${c.itemId}::int, ${c.reason}::text, ${i}::int)`),
    sql`, `,
  );
  const gone = await executeRows<{ item_id: number }>(
    tx,
    sql`with gone as (
      delete from leases dl
      where dl.project_id = ${projectId} and dl.user_id = ${userId} and dl.item_id in (${ids})
        and (
          dl.reason <> 'overlap' and exists (
            select 1 from labels l where l.item_id = dl.item_id
              and (l.source in ('human', 'import') and dl.reason <> 'audit' or l.source <> 'auto' and dl.reason = 'audit')
          )
          or dl.reason = 'overlap' and (
            not exists (select 1 from labels l where l.item_id = dl.item_id and l.source = 'human' and l.user_id is distinct from ${userId})
            or ${secondOpinionGiven(projectId, sql`dl.item_id`)}
          )
        )
      returning dl.item_id
    ), logged as (
      insert into audit_events (project_id, actor_id, action, entity_type, after)
      select ${projectId}, ${userId}, 'lease.claim', 'lease',
        jsonb_build_object('items', jsonb_agg(jsonb_build_object('itemId', c.item_id, 'reason', c.reason) order by c.ord))
      from (values ${given}) as c(item_id, reason, ord)
      where c.item_id not in (select item_id from gone)
      having count(*) > 0
    )
    select item_id from gone`,
  );
  const goneIds = new Set(gone.map((g) => Number(g.item_id)));
  return claimed.filter((c) => !goneIds.has(c.itemId));
}

/** The caller's live leases, oldest first: a reload gets its work back. */
export async function ownLiveLeases(db: DbOrTx, projectId: number, userId: number, limit = 100): Promise<HeldLease[]> {
  return db
    .select(heldColumns)
    .from(leases)
    .where(and(eq(leases.projectId, projectId), eq(leases.userId, userId), gt(leases.expiresAt, sql`now()`)))
    .orderBy(asc(leases.createdAt), asc(leases.itemId))
    .limit(limit);
}

/**
 * Leases one item back to a user (undo): taken over when expired or already
 * theirs; null when someone else is deciding it right now.
 */
export async function claimForUser(
  tx: DbOrTx,
  p: { projectId: number; userId: number; itemId: number; reason: PickReason | null; leaseMinutes: number },
): Promise<{ token: string; expiresAt: Date } | null> {
  const [row] = await tx
    .insert(leases)
    .values({
      itemId: p.itemId,
      projectId: p.projectId,
      userId: p.userId,
      token: randomUUID(),
      reason: p.reason ?? "random",
      expiresAt: expiryIn(p.leaseMinutes),
      createdAt: sql`now()`,
    })
    .onConflictDoUpdate({
      target: leases.itemId,
      set: {
        userId: sql`excluded.user_id`,
        token: sql`excluded.token`,
        expiresAt: sql`excluded.expires_at`,
        createdAt: sql`excluded.created_at`,
      },
      setWhere: sql`${leases.expiresAt} <= now() or ${leases.userId} = ${p.userId}`,
    })
    .returning({ token: leases.token, expiresAt: leases.expiresAt });
  return row ?? null;
}
