/** Giving leases back (logout, closing the page) and keeping them alive (still working). */
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { leases } from "@/db/schema";
import { recordAudit } from "@/server/services/audit";
import { expiryIn } from "./claim";
import { leaseMinutesOf, loadQueueProject } from "./next";

type LeaseTokens = { projectId: number; userId: number; leaseTokens: string[] };

/** Only the caller's own tokens are touched; unknown or foreign tokens are ignored. */
export async function releaseLeases(db: Db, p: LeaseTokens): Promise<{ released: number[] }> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .delete(leases)
      .where(and(eq(leases.projectId, p.projectId), eq(leases.userId, p.userId), inArray(leases.token, p.leaseTokens)))
      .returning({ itemId: leases.itemId });
    const released = rows.map((r) => r.itemId);
    if (released.length > 0) {
      await recordAudit(tx, {
        projectId: p.projectId,
        actorId: p.userId,
        action: "lease.release",
        entityType: "lease",
        before: { itemIds: released },
      });
    }
    return { released };
  });
}

/**
 * Extends the caller's leases by the project's lease time from now. A lease
 * that expired but still carries the caller's token was not taken by anyone
 * (a take-over replaces the token), so extending it is safe too.
 */
export async function extendLeases(
  db: Db,
  p: LeaseTokens,
): Promise<{ extended: { itemId: number; token: string; expiresAt: Date }[]; lost: string[] }> {
  const project = await loadQueueProject(db, p.projectId);
  return db.transaction(async (tx) => {
    const extended = await tx
      .update(leases)
      .set({ expiresAt: expiryIn(leaseMinutesOf(project)) })
      .where(and(eq(leases.projectId, p.projectId), eq(leases.userId, p.userId), inArray(leases.token, p.leaseTokens)))
      .returning({ itemId: leases.itemId, token: leases.token, expiresAt: leases.expiresAt });
    const kept = new Set(extended.map((e) => e.token));
    if (extended.length > 0) {
      await recordAudit(tx, {
        projectId: p.projectId,
        actorId: p.userId,
        action: "lease.extend",
        entityType: "lease",
        after: { itemIds: extended.map((e) => e.itemId) },
      });
    }
    return { extended, lost: p.leaseTokens.filter((t) => !kept.has(t)) };
  });
}
