/**
 * `Authorization: Bearer` over HTTP: no Origin check and no cookie needed, the
 * cookie ignored when a token is sent (the call has the token's rights only),
 * 401 for a revoked token, and the Origin check kept for cookie requests.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import superjson from "superjson";
import { categories } from "@/db/schema";
import { setDbHandle } from "@/server/db";
import { env } from "@/server/env";
import { bearerTokenOf, handleTrpcRequest } from "@/server/http/http";
import { createApiToken, revokeApiToken } from "@/server/services/api-tokens";
import { createSession } from "@/server/services/auth";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, makeProject, makeUser } from "@/test/factories";
import { TEST_HOST, TEST_ORIGIN, useDemoHttpEnv } from "@/test/http-env";

useDemoHttpEnv("loupe-bearer-");

const post = (proc: string, input: unknown, headers: Record<string, string>) =>
  handleTrpcRequest(
    new Request(`${TEST_ORIGIN}/api/trpc/${proc}`, {
      method: "POST",
      headers: { host: TEST_HOST, "content-type": "application/json", ...headers },
      body: JSON.stringify(superjson.serialize(input)),
    }),
  );

it("reads only the Bearer scheme", () => {
  const req = (authorization: string) => new Request("http://x/", { headers: { authorization } });
  expect(bearerTokenOf(req("Bearer loupe_pat_abc"))).toBe("loupe_pat_abc");
  expect(bearerTokenOf(req("bearer   loupe_pat_abc "))).toBe("loupe_pat_abc");
  expect(bearerTokenOf(req("Basic dXNlcjpwdw=="))).toBeNull();
  expect(bearerTokenOf(new Request("http://x/"))).toBeNull();
});

describe.each(dbTargets())("bearer tokens over HTTP on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
    setDbHandle(h);
  });
  afterAll(async () => h?.drop());

  async function setup() {
    const owner = await makeUser(h.db);
    const { project } = await makeProject(h.db);
    await addMember(h.db, project.id, owner.id, "ml_engineer");
    const count = async () => (await h.db.select().from(categories).where(eq(categories.projectId, project.id))).length;
    return { owner, projectId: project.id, count };
  }

  it("runs a mutation from another origin without a cookie, and answers 401 once the token is revoked", async () => {
    const { owner, projectId, count } = await setup();
    const made = await createApiToken(h.db, { actor: owner, name: "pim", scopes: ["write"], expiresInDays: 1 });
    const auth = { authorization: `Bearer ${made.token}`, origin: "https://pim.example" };
    const ok = await post("categories.create", { projectId, path: "From > Pipeline" }, auth);
    expect(ok.status).toBe(200);
    const before = await count();
    await revokeApiToken(h.db, { actor: owner, tokenId: made.id });
    const gone = await post("categories.create", { projectId, path: "From > Revoked" }, auth);
    expect(gone.status).toBe(401);
    expect(await count()).toBe(before);
  });

  it("ignores the session cookie when a token is sent: a read token with an admin's cookie cannot write", async () => {
    const { owner, projectId, count } = await setup();
    const { token } = await createSession(h.db, { userId: owner.id, secret: env().sessionSecret, ttlHours: 1 });
    const cookie = `loupe_session=${token}`;
    const read = await createApiToken(h.db, { actor: owner, name: "ro", scopes: ["read"], expiresInDays: 1 });
    const before = await count();
    const res = await post(
      "categories.create",
      { projectId, path: "Cookie > Smuggled" },
      { cookie, authorization: `Bearer ${read.token}`, origin: TEST_ORIGIN },
    );
    expect(res.status).toBe(403);
    expect(await count()).toBe(before);
    // A bad token with a good cookie is still a bad token, not the cookie's session.
    const bad = await post(
      "categories.create",
      { projectId, path: "Cookie > Smuggled" },
      { cookie, authorization: "Bearer loupe_pat_wrong", origin: TEST_ORIGIN },
    );
    expect(bad.status).toBe(401);
    expect(await count()).toBe(before);
  });

  it("keeps the Origin check for cookie requests, whatever other Authorization scheme they send", async () => {
    const { owner, projectId, count } = await setup();
    const { token } = await createSession(h.db, { userId: owner.id, secret: env().sessionSecret, ttlHours: 1 });
    const before = await count();
    const res = await post(
      "categories.create",
      { projectId, path: "Cross > Site" },
      { cookie: `loupe_session=${token}`, authorization: "Basic eDp5", origin: "https://evil.example" },
    );
    expect(res.status).toBe(403);
    expect(await count()).toBe(before);
  });
});
