/**
 * A bearer token at the moment of use: live (not revoked, not expired), its
 * owner not disabled, and, for a project call, the owner's current role there,
 * all in one statement. Nothing is cached, so a demoted owner's token shrinks
 * at once and a disabled owner's stops at once.
 */
import { and, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { apiTokens, users } from "@/db/schema";
import type { Role, TokenScope } from "@/lib/constants";
import { projectRoleSql, type SessionUser } from "@/server/services/auth";
import { hashTokenText, looksLikeToken } from "./token-text";

export type ApiTokenGrant = {
  id: number;
  scopes: TokenScope[];
  /** null: every project the owner is in. */
  projectIds: number[] | null;
  /** Unique across databases (the hash), for the per-token throttle. */
  throttleKey: string;
};

export type ResolvedToken = { user: SessionUser; grant: ApiTokenGrant; role: Role | null };

/** last_used_at is written at most this often per token, not on every call. */
export const LAST_USED_RESOLUTION_MS = 60_000;

export async function resolveApiToken(
  db: Db,
  p: { token: string; projectId?: number; now?: Date },
): Promise<ResolvedToken | null> {
  if (!looksLikeToken(p.token)) return null;
  const now = p.now ?? new Date();
  const hash = hashTokenText(p.token);
  const role =
    p.projectId === undefined ? sql<null>`null` : projectRoleSql(p.projectId, sql`${users.id}`, sql`${users.isAdmin}`);
  const [row] = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      isAdmin: users.isAdmin,
      tokenId: apiTokens.id,
      scopes: apiTokens.scopes,
      projectIds: apiTokens.projectIds,
      lastUsedAt: apiTokens.lastUsedAt,
      role,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(
      and(
        eq(apiTokens.tokenHash, hash),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now)),
        isNull(users.disabledAt),
      ),
    )
    .limit(1);
  if (!row) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await touch(db, row.tokenId, now);
  }
  const { tokenId, scopes, projectIds, lastUsedAt: _lastUsed, role: r, ...user } = row;
  return { user, grant: { id: tokenId, scopes, projectIds, throttleKey: hash }, role: r };
}

/** Conditional, so concurrent calls of one token write the row once per resolution window. */
async function touch(db: Db, tokenId: number, now: Date): Promise<void> {
  const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(and(eq(apiTokens.id, tokenId), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, stale))));
}
