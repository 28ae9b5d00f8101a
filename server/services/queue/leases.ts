/** Giving leases back (logout, closing the page) and keeping them alive (still working). */
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/db/client";
import { leases } from "@/db/schema";
import { recordAudit } from "@/server/services/audit";
import { expiryIn } from "./claim";
import { getProjectSettings } from "@/server/services/projects";

export type ReleaseLeasesInput = { projectId: number; actorId: number; leaseTokens: string[] };
export type ExtendLeasesInput = ReleaseLeasesInput;

/** Only the caller's own tokens are touched; unknown or foreign tokens are ignored. */
export async function releaseLeases(db: Db, p: ReleaseLeasesInput): Promise<{ released: number[] }> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .delete(leases)
      .where(and(eq(leases.projectId, p.projectId), eq(leases.userId, p.actorId), inArray(leases.token, p.leaseTokens)))
      .returning({ itemId: leases.itemId });
    const released = rows.map((r) => r.itemId);
    if (released.length > 0) {
      await recordAudit(tx, {
        projectId: p.projectId,
        actorId: p.actorId,
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
  p: ExtendLeasesInput,
): Promise<{ extended: { itemId: number; token: string; expiresAt: Date }[]; lost: string[] }> {
  const { leaseMinutes } = await getProjectSettings(db, { projectId: p.projectId });
  return db.transaction(async (tx) => {
    const extended = await tx
      .update(leases)
      .set({ expiresAt: expiryIn(leaseMinutes) })
      .where(and(eq(leases.projectId, p.projectId), eq(leases.userId, p.actorId), inArray(leases.token, p.leaseTokens)))
      .returning({ itemId: leases.itemId, token: leases.token, expiresAt: leases.expiresAt });
    const kept = new Set(extended.map((e) => e.token));
    if (extended.length > 0) {
      await recordAudit(tx, {
        projectId: p.projectId,
        actorId: p.actorId,
        action: "lease.extend",
        entityType: "lease",
        after: { itemIds: extended.map((e) => e.itemId) },
      });
    }
    return { extended, lost: p.leaseTokens.filter((t) => !kept.has(t)) };
  });
}
