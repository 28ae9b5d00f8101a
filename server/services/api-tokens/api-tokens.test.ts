/** API tokens as a service: shown once and stored as a hash, listed with last use, revoked, expired, owner disabled. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { apiTokens, auditEvents, users } from "@/db/schema";
import { API_TOKEN_PREFIX } from "@/lib/constants";
import { createApiToken, listApiTokens, resolveApiToken, revokeApiToken, takeTokenCall } from "./index";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, makeProject, makeUser } from "@/test/factories";

const DAY = 86_400_000;

describe.each(dbTargets())("api tokens on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  it("hands the token out once and keeps only its hash; the audit event never holds it", async () => {
    const owner = await makeUser(h.db);
    const made = await createApiToken(h.db, { actor: owner, name: "PIM sync", scopes: ["read"], expiresInDays: 30 });
    expect(made.token.startsWith(API_TOKEN_PREFIX)).toBe(true);
    expect(made.token).toHaveLength(API_TOKEN_PREFIX.length + 43);
    expect(made.token.startsWith(made.prefix)).toBe(true);
    const [row] = await h.db.select().from(apiTokens).where(eq(apiTokens.id, made.id));
    expect(JSON.stringify(row)).not.toContain(made.token);
    expect(row!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    const events = await h.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.entityId, String(made.id)));
    expect(events.map((e) => e.action)).toContain("api_token.create");
    expect(JSON.stringify(events)).not.toContain(made.token);
    expect(made.expiresAt!.getTime() - made.createdAt.getTime()).toBeGreaterThan(29 * DAY);
  });

  it("lists a token with its last use, only the owner's unless an admin asks for all", async () => {
    const owner = await makeUser(h.db);
    const other = await makeUser(h.db);
    const admin = await makeUser(h.db, { isAdmin: true });
    const made = await createApiToken(h.db, { actor: owner, name: "one", scopes: ["read"], expiresInDays: null });
    await createApiToken(h.db, { actor: other, name: "theirs", scopes: ["read"], expiresInDays: null });
    const before = await listApiTokens(h.db, { actor: owner, all: false, limit: 50 });
    expect(before.tokens.map((t) => t.name)).toEqual(["one"]);
    expect(before.tokens[0]!.lastUsedAt).toBeNull();
    expect(await resolveApiToken(h.db, { token: made.token })).not.toBeNull();
    const after = await listApiTokens(h.db, { actor: owner, all: false, limit: 50 });
    expect(after.tokens[0]!.lastUsedAt).toBeInstanceOf(Date);
    expect(JSON.stringify(after)).not.toContain("tokenHash");
    await expect(listApiTokens(h.db, { actor: owner, all: true, limit: 50 })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const all = await listApiTokens(h.db, { actor: admin, all: true, limit: 100 });
    expect(all.tokens.map((t) => t.name)).toEqual(expect.arrayContaining(["one", "theirs"]));
  });

  it("stops a revoked token at once; only its owner or an admin may revoke it, and revoking twice is harmless", async () => {
    const owner = await makeUser(h.db);
    const stranger = await makeUser(h.db);
    const admin = await makeUser(h.db, { isAdmin: true });
    const a = await createApiToken(h.db, { actor: owner, name: "a", scopes: ["read"], expiresInDays: null });
    const b = await createApiToken(h.db, { actor: owner, name: "b", scopes: ["read"], expiresInDays: null });
    await expect(revokeApiToken(h.db, { actor: stranger, tokenId: a.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await resolveApiToken(h.db, { token: a.token })).not.toBeNull();
    const first = await revokeApiToken(h.db, { actor: owner, tokenId: a.id });
    expect(await resolveApiToken(h.db, { token: a.token })).toBeNull();
    expect((await revokeApiToken(h.db, { actor: owner, tokenId: a.id })).revokedAt).toEqual(first.revokedAt);
    await revokeApiToken(h.db, { actor: admin, tokenId: b.id });
    expect(await resolveApiToken(h.db, { token: b.token })).toBeNull();
    const [row] = await h.db.select().from(apiTokens).where(eq(apiTokens.id, b.id));
    expect(row!.revokedById).toBe(admin.id);
  });

  it("stops an expired token and a disabled owner's token; a guessed token is unknown", async () => {
    const owner = await makeUser(h.db);
    const made = await createApiToken(h.db, { actor: owner, name: "short", scopes: ["read"], expiresInDays: 1 });
    expect(await resolveApiToken(h.db, { token: made.token, now: new Date(Date.now() + DAY / 2) })).not.toBeNull();
    expect(await resolveApiToken(h.db, { token: made.token, now: new Date(Date.now() + 2 * DAY) })).toBeNull();
    await h.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, owner.id));
    expect(await resolveApiToken(h.db, { token: made.token })).toBeNull();
    expect(await resolveApiToken(h.db, { token: `${made.token.slice(0, -1)}A` })).toBeNull();
    expect(await resolveApiToken(h.db, { token: "" })).toBeNull();
  });

  it("reads the owner's role at the moment of use", async () => {
    const owner = await makeUser(h.db);
    const { project } = await makeProject(h.db);
    await addMember(h.db, project.id, owner.id, "ml_engineer");
    const made = await createApiToken(h.db, { actor: owner, name: "ml", scopes: ["ml"], expiresInDays: null });
    expect((await resolveApiToken(h.db, { token: made.token, projectId: project.id }))!.role).toBe("ml_engineer");
    await h.db.execute(`update memberships set role = 'annotator' where user_id = ${owner.id}`);
    expect((await resolveApiToken(h.db, { token: made.token, projectId: project.id }))!.role).toBe("annotator");
  });

  it("limits a token only to projects its owner is in, naming the field otherwise", async () => {
    const owner = await makeUser(h.db);
    const { project: mine } = await makeProject(h.db);
    const { project: theirs } = await makeProject(h.db);
    await addMember(h.db, mine.id, owner.id, "reviewer");
    const ok = await createApiToken(h.db, {
      actor: owner,
      name: "one project",
      scopes: ["read"],
      projectIds: [mine.id],
      expiresInDays: 7,
    });
    expect(ok.projectIds).toEqual([mine.id]);
    const count = async () => (await h.db.select().from(apiTokens).where(eq(apiTokens.userId, owner.id))).length;
    const before = await count();
    await expect(
      createApiToken(h.db, {
        actor: owner,
        name: "x",
        scopes: ["read"],
        projectIds: [mine.id, theirs.id],
        expiresInDays: 7,
      }),
    ).rejects.toThrow(/projectIds/);
    expect(await count()).toBe(before);
  });
});

describe("the per-token throttle", () => {
  it("allows a minute's worth at once, then refills at the rate", () => {
    const key = `k-${Math.random()}`;
    const t0 = 1_000_000;
    for (let i = 0; i < 5; i++) expect(takeTokenCall(key, 5, t0)).toBe(true);
    expect(takeTokenCall(key, 5, t0)).toBe(false);
    expect(takeTokenCall(key, 5, t0 + 6_000)).toBe(false);
    expect(takeTokenCall(key, 5, t0 + 12_000)).toBe(true);
    expect(takeTokenCall(`other-${key}`, 5, t0)).toBe(true);
  });
});
