/**
 * Accounts, managed by instance administrators only: there is no sign-up.
 * A new account has no project role until someone grants one.
 */
import { randomBytes } from "node:crypto";
import { and, asc, eq, gt, ilike, isNull, or, type SQL } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { leases, sessions, users } from "@/db/schema";
import { ConflictError, NotFoundError, ServiceError, ValidationError } from "@/server/errors";
import { hashPassword } from "@/server/auth/password";
import { recordAudit } from "@/server/services/audit";
import { containsPattern } from "@/db/like-pattern";

export const MIN_PASSWORD_LENGTH = 12;

/** Never includes the password hash. */
const publicUser = {
  id: users.id,
  email: users.email,
  name: users.name,
  isAdmin: users.isAdmin,
  disabledAt: users.disabledAt,
  createdAt: users.createdAt,
};

export type UserRow = {
  id: number;
  email: string;
  name: string;
  isAdmin: boolean;
  disabledAt: Date | null;
  createdAt: Date;
};

export async function listUsers(db: Db, p: { search?: string; cursor?: number; limit: number }) {
  const where: SQL[] = [];
  if (p.search) {
    const pattern = containsPattern(p.search);
    const match = or(ilike(users.email, pattern), ilike(users.name, pattern));
    if (!match) throw new Error("listUsers: or() of the search conditions gave no SQL");
    where.push(match);
  }
  if (p.cursor) where.push(gt(users.id, p.cursor));
  const rows = await db
    .select(publicUser)
    .from(users)
    .where(and(...where))
    .orderBy(asc(users.id))
    .limit(p.limit + 1);
  const more = rows.length > p.limit;
  const page = more ? rows.slice(0, p.limit) : rows;
  return { users: page, nextCursor: more ? (page[page.length - 1]?.id ?? null) : null };
}

/** 18 random bytes: 24 base64url characters, shown once. */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}

function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new ValidationError(`Password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
}

export type CreateUserInput = {
  actorId: number | null;
  email: string;
  name: string;
  password?: string;
  isAdmin?: boolean;
};

/** `actorId` null = the command line. Returns the generated password once when none was given. */
export async function createUser(db: Db, p: CreateUserInput) {
  const email = p.email.trim().toLowerCase();
  if (p.password !== undefined) checkPassword(p.password);
  const password = p.password ?? generatePassword();
  const generatedPassword = p.password === undefined ? password : null;
  const passwordHash = await hashPassword(password);
  const user = await db.transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({ email, name: p.name.trim(), passwordHash, isAdmin: p.isAdmin ?? false })
      .onConflictDoNothing({ target: users.email })
      .returning(publicUser);
    if (!row) throw new ConflictError(`A user with email ${email} already exists`);
    await recordAudit(tx, {
      projectId: null,
      actorId: p.actorId,
      action: "user.create",
      entityType: "user",
      entityId: row.id,
      after: auditView(row),
    });
    return row;
  });
  return { user, generatedPassword };
}

function auditView(u: UserRow) {
  return { email: u.email, name: u.name, isAdmin: u.isAdmin, disabled: u.disabledAt !== null };
}

async function lockUser(tx: DbOrTx, userId: number): Promise<UserRow> {
  const [row] = await tx.select(publicUser).from(users).where(eq(users.id, userId)).for("update");
  if (!row) throw new NotFoundError("User");
  return row;
}

/**
 * Disabling revokes every session in the same transaction. The enabled admins
 * are locked first, so two admins disabling each other cannot both succeed.
 */
export type SetUserDisabledInput = { actorId: number; userId: number; disabled: boolean };

export async function setUserDisabled(db: Db, p: SetUserDisabledInput): Promise<UserRow> {
  if (p.disabled && p.userId === p.actorId) {
    throw new ServiceError("PRECONDITION_FAILED", "You cannot disable your own account");
  }
  return db.transaction(async (tx) => {
    const admins = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.isAdmin, true), isNull(users.disabledAt)))
      .orderBy(asc(users.id))
      .for("update");
    const before = await lockUser(tx, p.userId);
    if (p.disabled === (before.disabledAt !== null)) return before;
    if (p.disabled && before.isAdmin && admins.length <= 1) {
      throw new ServiceError("PRECONDITION_FAILED", "You cannot disable the last administrator");
    }
    const [after] = await tx
      .update(users)
      .set({ disabledAt: p.disabled ? new Date() : null })
      .where(eq(users.id, p.userId))
      .returning(publicUser);
    if (!after) throw new Error(`user ${p.userId}: the update returned no row`);
    if (p.disabled) {
      await revokeAll(tx, p.userId);
      // Their leased items go back to the queue now rather than when the leases expire.
      await tx.delete(leases).where(eq(leases.userId, p.userId));
    }
    const action = p.disabled ? "user.disable" : "user.enable";
    await recordAudit(tx, {
      projectId: null,
      actorId: p.actorId,
      action,
      entityType: "user",
      entityId: p.userId,
      before: auditView(before),
      after: auditView(after),
    });
    return after;
  });
}

async function revokeAll(tx: DbOrTx, userId: number): Promise<void> {
  await tx
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
}

/**
 * A reset (by an admin) or a change (by the user, who proved the old one first) also ends
 * the user's sessions: whoever held the old password is logged out.
 */
export type ResetUserPasswordInput = {
  actorId: number | null;
  userId: number;
  password?: string;
  kind?: "reset" | "change";
};

export async function resetUserPassword(db: Db, p: ResetUserPasswordInput) {
  if (p.password !== undefined) checkPassword(p.password);
  const password = p.password ?? generatePassword();
  const generatedPassword = p.password === undefined ? password : null;
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    await lockUser(tx, p.userId);
    await tx.update(users).set({ passwordHash }).where(eq(users.id, p.userId)).returning({ id: users.id });
    await revokeAll(tx, p.userId);
    // The hash itself is never written to the audit trail.
    await recordAudit(tx, {
      projectId: null,
      actorId: p.actorId,
      action: p.kind === "change" ? "user.change_password" : "user.reset_password",
      entityType: "user",
      entityId: p.userId,
    });
  });
  return { userId: p.userId, generatedPassword };
}

export async function findUserByEmail(db: DbOrTx, email: string) {
  const [row] = await db.select(publicUser).from(users).where(eq(users.email, email.trim().toLowerCase())).limit(1);
  return row ?? null;
}
