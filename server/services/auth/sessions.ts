/**
 * Accounts and server-side sessions. The cookie holds a random token; the
 * database keeps only its HMAC under the session secret.
 */
import { createHmac, randomBytes } from "node:crypto";
import { and, eq, gt, isNull, sql, type SQL } from "drizzle-orm";
import { executeRows, type Db, type DbOrTx } from "@/db/client";
import { memberships, projects, sessions, users } from "@/db/schema";
import type { Role } from "@/lib/constants";
import { UnauthorizedError } from "@/server/errors";
import { dummyHash, verifyPassword } from "@/server/auth/password";
import { releaseAttempt, reserveAttempt } from "./throttle";

export type SessionUser = { id: number; email: string; name: string; isAdmin: boolean };

const GENERIC_LOGIN_ERROR = "Email or password is incorrect";
const DISABLED_LOGIN_ERROR = "This account is disabled. Ask an administrator to enable it.";

export function sessionIdFor(token: string, secret: string): string {
  return createHmac("sha256", secret).update(token).digest("hex");
}

/** A work day: a session nobody used for this long is over (SESSION_IDLE_MINUTES). */
export const DEFAULT_SESSION_IDLE_MINUTES = 480;
/** last_seen_at is written at most this often per session, not on every request. */
const SEEN_RESOLUTION_MS = 60_000;

export type CreateSessionInput = { userId: number; secret: string; ttlHours: number; idleMinutes?: number };

export async function createSession(db: DbOrTx, p: CreateSessionInput) {
  const { userId, secret, ttlHours } = p;
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + ttlHours * 3600_000);
  await db.insert(sessions).values({
    id: sessionIdFor(token, secret),
    userId,
    expiresAt,
    idleMinutes: p.idleMinutes ?? DEFAULT_SESSION_IDLE_MINUTES,
  });
  return { token, expiresAt };
}

const sessionUserColumns = { id: users.id, email: users.email, name: users.name, isAdmin: users.isAdmin };

/**
 * The session is known, not revoked, not expired, used within its idle timeout, and its
 * user not disabled (join sessions to users).
 */
const liveSession = (token: string, secret: string) =>
  and(
    eq(sessions.id, sessionIdFor(token, secret)),
    isNull(sessions.revokedAt),
    gt(sessions.expiresAt, new Date()),
    sql`${sessions.lastSeenAt} > now() - ${sessions.idleMinutes} * interval '1 minute'`,
    isNull(users.disabledAt),
  );

/** Moves the idle clock of a session that was just used (if it last moved over a minute ago). */
async function touched<R extends { sessionId: string; lastSeenAt: Date }>(db: Db, row: R | undefined) {
  if (!row) return undefined;
  const { sessionId, lastSeenAt, ...rest } = row;
  if (Date.now() - lastSeenAt.getTime() > SEEN_RESOLUTION_MS) {
    await db
      .update(sessions)
      .set({ lastSeenAt: sql`now()` })
      .where(eq(sessions.id, sessionId));
  }
  return rest;
}

export async function getSessionUser(db: Db, token: string, secret: string): Promise<SessionUser | null> {
  const [row] = await db
    .select({ ...sessionUserColumns, sessionId: sessions.id, lastSeenAt: sessions.lastSeenAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(liveSession(token, secret))
    .limit(1);
  return (await touched(db, row)) ?? null;
}

/**
 * A user's role in a project, as SQL: instance admins act as project admins
 * wherever the project exists and is not archived; others need a membership. Null otherwise.
 */
export function projectRoleSql(projectId: number, userId: SQL | number, isAdmin: SQL | boolean): SQL<Role | null> {
  // An archived project is no one's: every project procedure answers "not found".
  return sql<Role | null>`case when ${isAdmin}
    then (select 'admin' from ${projects} where ${projects.id} = ${projectId} and ${projects.archivedAt} is null)
    else (select ${memberships.role}::text from ${memberships}
      join ${projects} on ${projects.id} = ${memberships.projectId} and ${projects.archivedAt} is null
      where ${memberships.projectId} = ${projectId} and ${memberships.userId} = ${userId})
  end`;
}

/** The role of a user already known (server-side callers, the export route). */
export async function roleInProject(db: Db, user: SessionUser, projectId: number): Promise<Role | null> {
  const [row] = await executeRows<{ role: Role | null }>(
    db,
    sql`select ${projectRoleSql(projectId, user.id, user.isAdmin)} as role`,
  );
  return row?.role ?? null;
}

/**
 * The session's user and their role in one project, in one statement: what
 * every project-scoped request needs before it may run. role is null when the
 * project does not exist or the user is not a member (instance admins act as
 * project admins wherever the project exists).
 */
export async function getSessionUserWithRole(
  db: Db,
  token: string,
  secret: string,
  projectId: number,
): Promise<{ user: SessionUser; role: Role | null } | null> {
  const [found] = await db
    .select({
      ...sessionUserColumns,
      sessionId: sessions.id,
      lastSeenAt: sessions.lastSeenAt,
      role: projectRoleSql(projectId, sql`${users.id}`, sql`${users.isAdmin}`),
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(liveSession(token, secret))
    .limit(1);
  const row = await touched(db, found);
  if (!row) return null;
  const { role, ...user } = row;
  return { user, role };
}

/** Ends every live session of a user (log out everywhere, a password change or reset). */
export async function revokeUserSessions(db: DbOrTx, userId: number): Promise<number> {
  const ended = await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return ended.length;
}

export async function revokeSession(db: Db, p: { token: string; secret: string }): Promise<void> {
  const { token, secret } = p;
  await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(eq(sessions.id, sessionIdFor(token, secret)));
}

/** Throttled per account and client and per client (./throttle.ts), with one message for every failure but a disabled account's. */
export type VerifyCredentialsInput = { email: string; password: string; clientKey: string; now?: Date };

export async function verifyCredentials(db: Db, p: VerifyCredentialsInput): Promise<SessionUser> {
  const { email, password, clientKey } = p;
  const normalised = email.trim().toLowerCase();
  const reservation = await reserveAttempt(db, { email: normalised, clientKey, now: p.now ?? new Date() });
  const [user] = await db.select().from(users).where(eq(users.email, normalised)).limit(1);
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash()), password);
  if (!user || !ok || user.disabledAt) {
    // Only whoever knows the password learns the account is disabled: to a stranger every failure looks alike.
    throw new UnauthorizedError(user && ok ? DISABLED_LOGIN_ERROR : GENERIC_LOGIN_ERROR);
  }
  await releaseAttempt(db, reservation);
  return { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin };
}
