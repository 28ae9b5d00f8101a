/**
 * Project memberships. A member is addressed by user id only within the
 * project; adding someone new goes by email, so ids never reach outside.
 */
import { and, asc, eq, gt } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { leases, memberships, users } from "@/db/schema";
import type { Role } from "@/lib/constants";
import { NotFoundError, ServiceError } from "@/server/errors";
import { recordAudit } from "@/server/services/audit";
import { findUserByEmail } from "@/server/services/users";

export type ListMembersInput = { projectId: number; cursor?: number; limit: number };

export async function listMembers(db: Db, p: ListMembersInput) {
  const { projectId } = p;
  const rows = await db
    .select({
      userId: memberships.userId,
      email: users.email,
      name: users.name,
      role: memberships.role,
      disabled: users.disabledAt,
      createdAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.projectId, projectId), p.cursor ? gt(memberships.userId, p.cursor) : undefined))
    .orderBy(asc(memberships.userId))
    .limit(p.limit + 1);
  const more = rows.length > p.limit;
  const page = (more ? rows.slice(0, p.limit) : rows).map(({ disabled, ...r }) => ({
    ...r,
    disabled: disabled !== null,
  }));
  return { members: page, nextCursor: more ? (page[page.length - 1]?.userId ?? null) : null };
}

async function currentRole(tx: DbOrTx, projectId: number, userId: number): Promise<Role | null> {
  const [m] = await tx
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId)))
    .for("update");
  return m?.role ?? null;
}

/** Nobody takes away their own admin role: a project cannot lose its admin by a slip. */
function refuseSelfDemotion(actorId: number | null, userId: number, before: Role | null, after: Role | null): void {
  if (actorId === userId && before === "admin" && after !== "admin") {
    throw new ServiceError("PRECONDITION_FAILED", "You cannot remove your own admin role; ask another admin");
  }
}

export type SetMemberInput = { projectId: number; actorId: number | null; userId?: number; email?: string; role: Role };

/** Upsert. `actorId` null = the command line. */
export async function setMember(db: Db, p: SetMemberInput) {
  const { projectId, actorId } = p;
  return db.transaction(async (tx) => {
    const userId = await resolveTarget(tx, projectId, p);
    const before = await currentRole(tx, projectId, userId);
    refuseSelfDemotion(actorId, userId, before, p.role);
    if (before === p.role) return { userId, role: p.role, changed: false };
    const [row] = await tx
      .insert(memberships)
      .values({ projectId, userId, role: p.role })
      .onConflictDoUpdate({ target: [memberships.projectId, memberships.userId], set: { role: p.role } })
      .returning({ userId: memberships.userId, role: memberships.role });
    if (!row) throw new Error(`membership of user ${userId}: the upsert returned no row`);
    await recordAudit(tx, {
      projectId,
      actorId,
      action: before ? "member.change_role" : "member.add",
      entityType: "membership",
      entityId: userId,
      before: before ? { role: before } : null,
      after: { role: p.role },
    });
    return { ...row, changed: true };
  });
}

async function resolveTarget(tx: DbOrTx, projectId: number, p: SetMemberInput): Promise<number> {
  if (p.email !== undefined) {
    const user = await findUserByEmail(tx, p.email);
    if (!user) throw new NotFoundError("User with that email");
    return user.id;
  }
  if (p.userId === undefined) throw new NotFoundError("Member");
  // By id only someone already in this project: ids from elsewhere are not found.
  if (!(await currentRole(tx, projectId, p.userId))) throw new NotFoundError("Member");
  return p.userId;
}

export type RemoveMemberInput = { projectId: number; actorId: number; userId: number };

export async function removeMember(db: Db, p: RemoveMemberInput) {
  const { projectId, actorId, userId } = p;
  return db.transaction(async (tx) => {
    const before = await currentRole(tx, projectId, userId);
    if (!before) throw new NotFoundError("Member");
    refuseSelfDemotion(actorId, userId, before, null);
    await tx
      .delete(memberships)
      .where(and(eq(memberships.projectId, projectId), eq(memberships.userId, userId)))
      .returning({ userId: memberships.userId });
    // Items they held go back to the queue now rather than when the leases expire.
    await tx.delete(leases).where(and(eq(leases.projectId, projectId), eq(leases.userId, userId)));
    await recordAudit(tx, {
      projectId,
      actorId,
      action: "member.remove",
      entityType: "membership",
      entityId: userId,
      before: { role: before },
    });
    return { userId, removed: true };
  });
}
