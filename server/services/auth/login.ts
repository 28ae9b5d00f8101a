/** Logging in and out: the verbs behind the login form, framework-free (the router sets the cookie). */
import type { Db } from "@/db/client";
import { createSession, revokeSession, verifyCredentials, type SessionUser } from "./sessions";

export type LogInInput = {
  email: string;
  password: string;
  /** Client address, for throttling. */
  clientKey: string;
  /** The session the browser held, if any: revoked, so every login rotates the session. */
  previousToken: string | null;
  secret: string;
  ttlHours: number;
  idleMinutes?: number;
};

export async function logIn(db: Db, p: LogInInput): Promise<{ user: SessionUser; token: string; expiresAt: Date }> {
  const user = await verifyCredentials(db, p);
  if (p.previousToken) await revokeSession(db, { token: p.previousToken, secret: p.secret });
  const session = await createSession(db, {
    userId: user.id,
    secret: p.secret,
    ttlHours: p.ttlHours,
    idleMinutes: p.idleMinutes,
  });
  return { user, ...session };
}

export async function logOut(db: Db, p: { token: string | null; secret: string }): Promise<void> {
  if (p.token) await revokeSession(db, { token: p.token, secret: p.secret });
}
