/**
 * API tokens through the procedures: scopes × roles, the owner's current roles,
 * revocation and expiry (401), project limits, session-only procedures, the
 * throttle, and the token's id on every audit event of a call made with it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { TRPCError } from "@trpc/server";
import { apiTokens, auditEvents, categories, memberships, users } from "@/db/schema";
import type { TokenScope } from "@/lib/constants";
import { createApiToken } from "@/server/services/api-tokens";
import type { SessionUser } from "@/server/services/auth";
import { FROM_SESSION, type Context } from "@/server/trpc";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, callerFor, makeProject, makeUser } from "@/test/factories";

async function code(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return "OK";
  } catch (e) {
    if (e instanceof TRPCError) return e.code;
    throw e;
  }
}

describe.each(dbTargets())("API tokens through the procedures on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  const bearer = (token: string, extra: Partial<Context> = {}) =>
    callerFor(h.db, null, { user: FROM_SESSION, bearerToken: token, ...extra });
  async function tokenFor(user: SessionUser, scopes: TokenScope[], projectIds?: number[]) {
    return createApiToken(h.db, { actor: user, name: "test", scopes, projectIds, expiresInDays: 30 });
  }
  async function setup(role: "ml_engineer" | "admin" | "annotator" = "ml_engineer") {
    const owner = await makeUser(h.db);
    const { project } = await makeProject(h.db);
    await addMember(h.db, project.id, owner.id, role);
    return { owner, projectId: project.id };
  }
  const categoryCount = async (projectId: number) =>
    (await h.db.select().from(categories).where(eq(categories.projectId, projectId))).length;

  it("a read token reads but cannot write, though its owner's role could", async () => {
    const { owner, projectId } = await setup();
    const { token } = await tokenFor(owner, ["read"]);
    const before = await categoryCount(projectId);
    expect(await code(() => bearer(token).categories.list({ projectId }))).toBe("OK");
    expect(await code(() => bearer(token).categories.create({ projectId, path: "New > Thing" }))).toBe("FORBIDDEN");
    expect(await code(() => bearer(token).models.train({ projectId }))).toBe("FORBIDDEN");
    expect(await categoryCount(projectId)).toBe(before);
    // The same call with a write token goes through: the refusal above was the scope's.
    const write = await tokenFor(owner, ["write"]);
    expect(await code(() => bearer(write.token).categories.create({ projectId, path: "New > Thing" }))).toBe("OK");
    expect(await categoryCount(projectId)).toBe(before + 1);
  });

  it("never grants more than the owner's roles, read at each call: a demoted owner's token shrinks at once", async () => {
    const { owner, projectId } = await setup("ml_engineer");
    const { token } = await tokenFor(owner, ["read", "write", "ml"]);
    expect(await code(() => bearer(token).categories.create({ projectId, path: "A > B" }))).toBe("OK");
    await h.db
      .update(memberships)
      .set({ role: "annotator" })
      .where(and(eq(memberships.userId, owner.id), eq(memberships.projectId, projectId)));
    const before = await categoryCount(projectId);
    expect(await code(() => bearer(token).categories.create({ projectId, path: "A > C" }))).toBe("FORBIDDEN");
    expect(await categoryCount(projectId)).toBe(before);
    // An annotator cannot read the metrics even with a read scope.
    expect(await code(() => bearer(token).models.list({ projectId }))).toBe("FORBIDDEN");
    await h.db.delete(memberships).where(eq(memberships.userId, owner.id));
    expect(await code(() => bearer(token).categories.list({ projectId }))).toBe("NOT_FOUND");
    // A disabled owner's token stops everywhere.
    await h.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, owner.id));
    expect(await code(() => bearer(token).projects.list())).toBe("UNAUTHORIZED");
  });

  it("answers UNAUTHORIZED to a revoked, an expired and an unknown token", async () => {
    const { owner, projectId } = await setup();
    const revoked = await tokenFor(owner, ["read"]);
    const expired = await tokenFor(owner, ["read"]);
    expect(await code(() => bearer(revoked.token).categories.list({ projectId }))).toBe("OK");
    await callerFor(h.db, owner).tokens.revoke({ tokenId: revoked.id });
    await h.db
      .update(apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiTokens.id, expired.id));
    for (const t of [revoked.token, expired.token, "loupe_pat_nope", ""]) {
      expect(await code(() => bearer(t).categories.list({ projectId }))).toBe("UNAUTHORIZED");
      expect(await code(() => bearer(t).projects.list())).toBe("UNAUTHORIZED");
    }
  });

  it("keeps a project-limited token to its projects", async () => {
    const { owner, projectId } = await setup();
    const { project: other } = await makeProject(h.db);
    await addMember(h.db, other.id, owner.id, "ml_engineer");
    const { token } = await tokenFor(owner, ["read"], [projectId]);
    expect(await code(() => bearer(token).categories.list({ projectId }))).toBe("OK");
    expect(await code(() => bearer(token).categories.list({ projectId: other.id }))).toBe("FORBIDDEN");
    expect((await bearer(token).projects.list()).map((p) => p.id)).toEqual([projectId]);
    expect((await bearer(token).auth.me()).projects.map((p) => p.id)).toEqual([projectId]);
  });

  it("refuses session-only procedures to every token: no minting tokens, no role grants, no accounts", async () => {
    const { owner, projectId } = await setup("admin");
    const admin = await makeUser(h.db, { isAdmin: true });
    const all: TokenScope[] = ["read", "write", "ml"];
    const mine = await tokenFor(owner, all);
    const root = await tokenFor(admin, all);
    const tokensBefore = (await h.db.select().from(apiTokens)).length;
    expect(await code(() => bearer(mine.token).tokens.create({ name: "x", scopes: ["ml"] }))).toBe("FORBIDDEN");
    expect(await code(() => bearer(mine.token).tokens.revoke({ tokenId: mine.id }))).toBe("FORBIDDEN");
    expect(await code(() => bearer(mine.token).tokens.list({}))).toBe("FORBIDDEN");
    expect(await code(() => bearer(mine.token).members.set({ projectId, email: admin.email, role: "admin" }))).toBe(
      "FORBIDDEN",
    );
    expect(await code(() => bearer(root.token).users.create({ email: "n@example.test", name: "N" }))).toBe("FORBIDDEN");
    expect((await h.db.select().from(apiTokens)).length).toBe(tokensBefore);
  });

  it("records the token's id on the audit events of a call made with it, and none for a session", async () => {
    const { owner, projectId } = await setup();
    const made = await tokenFor(owner, ["write"]);
    const created = await bearer(made.token).categories.create({ projectId, path: "Via > Token" });
    await callerFor(h.db, owner).categories.create({ projectId, path: "Via > Session" });
    const events = await h.db
      .select({ action: auditEvents.action, after: auditEvents.after, apiTokenId: auditEvents.apiTokenId })
      .from(auditEvents)
      .where(and(eq(auditEvents.projectId, projectId), eq(auditEvents.action, "category.create")));
    const byPath = new Map(events.map((e) => [JSON.stringify(e.after), e.apiTokenId]));
    expect(events).toHaveLength(2);
    expect([...byPath.entries()].find(([k]) => k.includes("Via > Token"))?.[1]).toBe(made.id);
    expect([...byPath.entries()].find(([k]) => k.includes("Via > Session"))?.[1]).toBeNull();
    expect(created).toBeTruthy();
  });

  it("throttles each token on its own with TOO_MANY_REQUESTS", async () => {
    const { owner, projectId } = await setup();
    const a = await tokenFor(owner, ["read"]);
    const b = await tokenFor(owner, ["read"]);
    const slow = { apiTokenRatePerMinute: 3 };
    for (let i = 0; i < 3; i++)
      expect(await code(() => bearer(a.token, slow).categories.list({ projectId }))).toBe("OK");
    expect(await code(() => bearer(a.token, slow).categories.list({ projectId }))).toBe("TOO_MANY_REQUESTS");
    expect(await code(() => bearer(a.token, slow).projects.list())).toBe("TOO_MANY_REQUESTS");
    expect(await code(() => bearer(b.token, slow).categories.list({ projectId }))).toBe("OK");
  });
});
