/**
 * Sessions and login failures that can no longer matter are deleted (by the periodic tick),
 * so neither table grows with every login and every guess for as long as the instance runs.
 * A session is dead once expired, idle past its timeout or revoked (nothing reads it again: a revoked token is
 * refused because its row is revoked or, after this, because there is no row); a failure
 * counts for the throttle only inside its window.
 */
import { isNotNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { loginFailures, sessions } from "@/db/schema";
import { FAILURE_WINDOW_MS } from "./throttle";

export async function pruneAuthRecords(db: Db, p: { now: Date }): Promise<{ sessions: number; failures: number }> {
  const deadSessions = await db
    .delete(sessions)
    .where(
      or(
        lt(sessions.expiresAt, p.now),
        isNotNull(sessions.revokedAt),
        sql`${sessions.lastSeenAt} < ${p.now.toISOString()}::timestamptz - ${sessions.idleMinutes} * interval '1 minute'`,
      ),
    )
    .returning({ id: sessions.id });
  const oldFailures = await db
    .delete(loginFailures)
    .where(lt(loginFailures.at, new Date(p.now.getTime() - FAILURE_WINDOW_MS)))
    .returning({ id: loginFailures.id });
  return { sessions: deadSessions.length, failures: oldFailures.length };
}
