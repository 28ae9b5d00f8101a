/**
 * Leases: claimed through the primary key on leases.item_id, so the database,
 * not this code, guarantees one live lease per item.
 */
import { randomUUID } from "node:crypto";
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { executeRows, type DbOrTx } from "@/db/client";
import { alias } from "drizzle-orm/pg-core";
import { auditEvents, labels, leases, labelSuspects } from "@/db/schema";
import { cols, excluded, tableAs } from "@/db/sql";
import { secondOpinionGiven } from "@/server/services/labels";
import { currentApiTokenId } from "@/server/services/audit";

export type PickReason = "uncertain" | "audit" | "cold_start" | "random" | "overlap" | "evaluation" | "suspect";
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
        projectId: excluded(leases.projectId),
        userId: excluded(leases.userId),
        token: excluded(leases.token),
        reason: excluded(leases.reason),
        score: excluded(leases.score),
        expiresAt: excluded(leases.expiresAt),
        createdAt: excluded(leases.createdAt),
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
 * another person's label, or someone gave the second opinion meanwhile; a
 * suspect claim when its suspicion was settled or the label changed meanwhile.
 * The same statement audits the claims kept ("lease.claim", items in the
 * order given): one round trip instead of two.
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
  const dl = tableAs(leases, "dl");
  const l = tableAs(labels, "l");
  const su = tableAs(labelSuspects, "su");
  // The CTE `gone` returns the deleted leases' item_id.
  const gone = alias(leases, "gone");
  const ev = auditEvents;
  const rows = await executeRows<{ item_id: number }>(
    tx,
    sql`with gone as (
      delete from ${dl.from}
      where ${dl.t.projectId} = ${projectId} and ${dl.t.userId} = ${userId} and ${dl.t.itemId} in (${ids})
        and (
          ${dl.t.reason} not in ('overlap', 'suspect') and exists (
            select 1 from ${l.from} where ${l.t.itemId} = ${dl.t.itemId}
              and (${l.t.source} in ('human', 'import') and ${dl.t.reason} <> 'audit'
                or ${l.t.source} <> 'auto' and ${dl.t.reason} = 'audit')
          )
          or ${dl.t.reason} = 'overlap' and (
            not exists (select 1 from ${l.from} where ${l.t.itemId} = ${dl.t.itemId}
              and ${l.t.source} = 'human' and ${l.t.userId} is distinct from ${userId})
            or ${secondOpinionGiven(projectId, dl.t.itemId)}
          )
          or ${dl.t.reason} = 'suspect' and not exists (
            select 1 from ${su.from} join ${l.from} on ${l.t.itemId} = ${su.t.itemId}
            where ${su.t.itemId} = ${dl.t.itemId} and ${su.t.status} = 'open' and ${l.t.categoryId} = ${su.t.givenCategoryId}
          )
        )
      returning ${dl.t.itemId}
    ), logged as (
      insert into ${ev} ${cols(ev.projectId, ev.actorId, ev.action, ev.entityType, ev.after, ev.apiTokenId)}
      select ${projectId}, ${userId}, 'lease.claim', 'lease',
        jsonb_build_object('items', jsonb_agg(jsonb_build_object('itemId', c.item_id, 'reason', c.reason) order by c.ord)),
        ${currentApiTokenId()}::int
      from (values ${given}) as c(item_id, reason, ord)
      where c.item_id not in (select ${gone.itemId} from gone)
      having count(*) > 0
    )
    select ${gone.itemId} from gone`,
  );
  const goneIds = new Set(rows.map((g) => Number(g.item_id)));
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
        userId: excluded(leases.userId),
        token: excluded(leases.token),
        expiresAt: excluded(leases.expiresAt),
        createdAt: excluded(leases.createdAt),
      },
      setWhere: sql`${leases.expiresAt} <= now() or ${leases.userId} = ${p.userId}`,
    })
    .returning({ token: leases.token, expiresAt: leases.expiresAt });
  return row ?? null;
}
