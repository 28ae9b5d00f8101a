/** What a signed-in person does to their own account: change the password, log out everywhere. */
import type { Db } from "@/db/client";
import { ValidationError } from "@/server/errors";
import { resetUserPassword } from "@/server/services/users";
import { recordAudit } from "@/server/services/audit";
import { createSession, revokeUserSessions, verifyCredentials, type SessionUser } from "./sessions";

export type ChangePasswordInput = {
  user: SessionUser;
  currentPassword: string;
  newPassword: string;
  /** Client address: a wrong current password counts against the login throttle. */
  clientKey: string;
  secret: string;
  ttlHours: number;
  idleMinutes: number;
};

/**
 * The current password is checked as a login is (throttled), every session of the user
 * ends, and this browser gets a new one: a thief holding an old session is out.
 */
export async function changePassword(db: Db, p: ChangePasswordInput): Promise<{ token: string; expiresAt: Date }> {
  if (p.newPassword === p.currentPassword) {
    throw new ValidationError("newPassword: choose a password other than the current one");
  }
  await verifyCredentials(db, { email: p.user.email, password: p.currentPassword, clientKey: p.clientKey });
  await resetUserPassword(db, { actorId: p.user.id, userId: p.user.id, password: p.newPassword, kind: "change" });
  return createSession(db, { userId: p.user.id, secret: p.secret, ttlHours: p.ttlHours, idleMinutes: p.idleMinutes });
}

/** Ends every session of the user, this one included (API tokens are revoked on their own page). */
export async function logOutEverywhere(db: Db, p: { user: SessionUser }): Promise<{ sessionsEnded: number }> {
  return db.transaction(async (tx) => {
    const sessionsEnded = await revokeUserSessions(tx, p.user.id);
    await recordAudit(tx, {
      projectId: null,
      actorId: p.user.id,
      action: "user.logout_everywhere",
      entityType: "user",
      entityId: p.user.id,
      after: { sessionsEnded },
    });
    return { sessionsEnded };
  });
}
