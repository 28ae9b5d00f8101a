/**
 * Personal access tokens: create (the token is returned once, only its hash is
 * kept), list (own, or everyone's for instance admins) and revoke. Every change
 * is an audit event; the token itself never is.
 */
import { and, desc, eq, inArray, lt, type SQL } from "drizzle-orm";
import type { Db } from "@/db/client";
import { apiTokens, memberships, projects, users } from "@/db/schema";
import type { TokenScope } from "@/lib/constants";
import { NotFoundError, ServiceError, ValidationError } from "@/server/errors";
import { recordAudit } from "@/server/services/audit";
import type { SessionUser } from "@/server/services/auth";
import { displayPrefix, generateTokenText, hashTokenText } from "./token-text";

type Actor = Pick<SessionUser, "id" | "isAdmin">;

export type CreateApiTokenInput = {
  actor: Actor;
  name: string;
  scopes: TokenScope[];
  /** Omitted or null: every project the owner is in, now and later. */
  projectIds?: number[] | null;
  /** null: never expires. */
  expiresInDays: number | null;
  now?: Date;
};

const listColumns = {
  id: apiTokens.id,
  name: apiTokens.name,
  prefix: apiTokens.prefix,
  scopes: apiTokens.scopes,
  projectIds: apiTokens.projectIds,
  createdAt: apiTokens.createdAt,
  expiresAt: apiTokens.expiresAt,
  lastUsedAt: apiTokens.lastUsedAt,
  revokedAt: apiTokens.revokedAt,
  userId: apiTokens.userId,
  ownerEmail: users.email,
  ownerName: users.name,
};

export async function createApiToken(db: Db, p: CreateApiTokenInput) {
  const projectIds = p.projectIds && p.projectIds.length > 0 ? [...new Set(p.projectIds)].sort((a, b) => a - b) : null;
  if (projectIds) await assertCanSee(db, p.actor, projectIds);
  const now = p.now ?? new Date();
  const token = generateTokenText();
  const expiresAt = p.expiresInDays === null ? null : new Date(now.getTime() + p.expiresInDays * 86_400_000);
  const scopes = [...new Set(p.scopes)];
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiTokens)
      .values({
        userId: p.actor.id,
        name: p.name,
        tokenHash: hashTokenText(token),
        prefix: displayPrefix(token),
        scopes,
        projectIds,
        expiresAt,
      })
      .returning({ id: apiTokens.id, name: apiTokens.name, prefix: apiTokens.prefix, createdAt: apiTokens.createdAt });
    if (!row) throw new Error("createApiToken: the insert returned no row");
    await recordAudit(tx, {
      projectId: null,
      actorId: p.actor.id,
      action: "api_token.create",
      entityType: "api_token",
      entityId: row.id,
      after: { name: p.name, prefix: row.prefix, scopes, projectIds, expiresAt },
    });
    return { ...row, scopes, projectIds, expiresAt, token };
  });
}

/** A token may only be limited to projects its owner can see now (the field is named in the error). */
async function assertCanSee(db: Db, actor: Actor, projectIds: number[]): Promise<void> {
  const rows = actor.isAdmin
    ? await db.select({ id: projects.id }).from(projects).where(inArray(projects.id, projectIds))
    : await db
        .select({ id: memberships.projectId })
        .from(memberships)
        .where(and(eq(memberships.userId, actor.id), inArray(memberships.projectId, projectIds)));
  const seen = new Set(rows.map((r) => r.id));
  const missing = projectIds.filter((id) => !seen.has(id));
  if (missing.length > 0) {
    throw new ValidationError(`projectIds: you are not a member of project ${missing.join(", ")}`, {
      field: "projectIds",
      projectIds: missing,
    });
  }
}

export type ListApiTokensInput = { actor: Actor; all: boolean; cursor?: number; limit: number };

/** Newest first, revoked ones included (marked); `all` (everyone's) is for instance admins only. */
export async function listApiTokens(db: Db, p: ListApiTokensInput) {
  if (p.all && !p.actor.isAdmin) throw new ServiceError("FORBIDDEN", "Only administrators can list everyone's tokens");
  const where: SQL[] = [];
  if (!p.all) where.push(eq(apiTokens.userId, p.actor.id));
  if (p.cursor) where.push(lt(apiTokens.id, p.cursor));
  const rows = await db
    .select(listColumns)
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(...where))
    .orderBy(desc(apiTokens.id))
    .limit(p.limit + 1);
  const more = rows.length > p.limit;
  const page = more ? rows.slice(0, p.limit) : rows;
  return { tokens: page, nextCursor: more ? (page.at(-1)?.id ?? null) : null };
}

export type RevokeApiTokenInput = { actor: Actor; tokenId: number; now?: Date };

/** The owner or an instance admin; anyone else is told the token does not exist. Revoking twice changes nothing. */
export async function revokeApiToken(db: Db, p: RevokeApiTokenInput) {
  return db.transaction(async (tx) => {
    const [token] = await tx
      .select({ id: apiTokens.id, userId: apiTokens.userId, name: apiTokens.name, revokedAt: apiTokens.revokedAt })
      .from(apiTokens)
      .where(eq(apiTokens.id, p.tokenId))
      .for("update")
      .limit(1);
    if (!token || (token.userId !== p.actor.id && !p.actor.isAdmin)) throw new NotFoundError("Token");
    if (token.revokedAt) return { id: token.id, revokedAt: token.revokedAt };
    const revokedAt = p.now ?? new Date();
    await tx.update(apiTokens).set({ revokedAt, revokedById: p.actor.id }).where(eq(apiTokens.id, token.id));
    await recordAudit(tx, {
      projectId: null,
      actorId: p.actor.id,
      action: "api_token.revoke",
      entityType: "api_token",
      entityId: token.id,
      before: { name: token.name, ownerId: token.userId },
      after: { revokedAt },
    });
    return { id: token.id, revokedAt };
  });
}
