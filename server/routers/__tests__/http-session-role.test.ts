/**
 * Over HTTP the procedure builders resolve the session cookie themselves, and
 * a project procedure reads the user and their project role in one statement
 * (trpc.ts FROM_SESSION, auth.ts getSessionUserWithRole). Every access rule
 * must hold on that path exactly as for a caller that knows its user: logged
 * out, revoked, expired and disabled are UNAUTHORIZED, a non-member gets
 * NOT_FOUND, a role outside the set FORBIDDEN, and a role change or a
 * revocation takes effect on the very next request.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memberships, sessions, users } from "@/db/schema";
import { setDbHandle } from "@/server/db";
import { env } from "@/server/env";
import { handleTrpcRequest } from "@/server/http/http";
import { createSession, revokeSession, sessionIdFor } from "@/server/services/auth";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, makeProject, makeUser } from "@/test/factories";
import { TEST_HOST, TEST_ORIGIN, useDemoHttpEnv } from "@/test/http-env";

useDemoHttpEnv("loupe-http-role-");

type Answer = { status: number; code: string | null; data: unknown };

async function query(proc: string, input: unknown, cookie?: string): Promise<Answer> {
  const qs = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const headers: Record<string, string> = { host: TEST_HOST };
  if (cookie) headers.cookie = cookie;
  const res = await handleTrpcRequest(new Request(`${TEST_ORIGIN}/api/trpc/${proc}${qs}`, { headers }));
  const body = (await res.json()) as {
    result?: { data?: { json?: unknown } };
    error?: { json?: { data?: { code?: string } } };
  };
  return { status: res.status, code: body.error?.json?.data?.code ?? null, data: body.result?.data?.json };
}

describe.each(dbTargets())("session and project role over HTTP on $name", (target) => {
  let h: TestDb;
  let projectId: number;
  const secret = () => env().sessionSecret;

  beforeAll(async () => {
    h = await createTestDb(target);
    setDbHandle(h);
    projectId = (await makeProject(h.db)).project.id;
  });
  afterAll(async () => h?.drop());

  async function member(role: Parameters<typeof addMember>[3] | null, opts: { isAdmin?: boolean } = {}) {
    const user = await makeUser(h.db, opts);
    if (role) await addMember(h.db, projectId, user.id, role);
    const { token } = await createSession(h.db, { userId: user.id, secret: secret(), ttlHours: 1 });
    return { user, token, cookie: `loupe_session=${token}` };
  }

  it("lets a member call what their role allows, as themselves", async () => {
    const { user, cookie } = await member("annotator");
    const cats = await query("categories.list", { projectId }, cookie);
    expect(cats.status).toBe(200);
    expect((cats.data as { categories: unknown[] }).categories.length).toBe(3);
    const me = await query("auth.me", undefined, cookie);
    expect(me.status).toBe(200);
    expect((me.data as { user: { id: number } }).user.id).toBe(user.id);
  });

  it("refuses a role outside the set (FORBIDDEN) and a non-member (NOT_FOUND)", async () => {
    const annotator = await member("annotator");
    expect(await query("members.list", { projectId }, annotator.cookie)).toMatchObject({
      status: 403,
      code: "FORBIDDEN",
    });
    const stranger = await member(null);
    expect(await query("categories.list", { projectId }, stranger.cookie)).toMatchObject({
      status: 404,
      code: "NOT_FOUND",
    });
    expect(await query("categories.list", { projectId: projectId + 10_000 }, annotator.cookie)).toMatchObject({
      status: 404,
      code: "NOT_FOUND",
    });
  });

  it("treats an instance admin as project admin where the project exists, and nowhere else", async () => {
    const admin = await member(null, { isAdmin: true });
    expect((await query("members.list", { projectId }, admin.cookie)).status).toBe(200);
    expect(await query("members.list", { projectId: projectId + 10_000 }, admin.cookie)).toMatchObject({
      status: 404,
      code: "NOT_FOUND",
    });
  });

  it("answers UNAUTHORIZED with no cookie, an unknown, revoked or expired session, or a disabled user", async () => {
    expect(await query("categories.list", { projectId })).toMatchObject({ status: 401, code: "UNAUTHORIZED" });
    expect(await query("categories.list", { projectId }, "loupe_session=not-a-session")).toMatchObject({
      status: 401,
      code: "UNAUTHORIZED",
    });

    const revoked = await member("admin");
    await revokeSession(h.db, { token: revoked.token, secret: secret() });
    expect(await query("categories.list", { projectId }, revoked.cookie)).toMatchObject({
      status: 401,
      code: "UNAUTHORIZED",
    });

    const expired = await member("admin");
    await h.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.id, sessionIdFor(expired.token, secret())));
    expect(await query("categories.list", { projectId }, expired.cookie)).toMatchObject({
      status: 401,
      code: "UNAUTHORIZED",
    });
    expect(await query("auth.me", undefined, expired.cookie)).toMatchObject({ status: 401, code: "UNAUTHORIZED" });

    const disabled = await member("admin");
    await h.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, disabled.user.id));
    expect(await query("categories.list", { projectId }, disabled.cookie)).toMatchObject({
      status: 401,
      code: "UNAUTHORIZED",
    });
  });

  it("puts logged out before a bad input, and a bad input before the role check", async () => {
    expect(await query("categories.list", {})).toMatchObject({ status: 401, code: "UNAUTHORIZED" });
    expect(await query("categories.list", {}, "loupe_session=not-a-session")).toMatchObject({
      status: 401,
      code: "UNAUTHORIZED",
    });
    const { cookie } = await member("annotator");
    expect(await query("categories.list", {}, cookie)).toMatchObject({ status: 400, code: "BAD_REQUEST" });
  });

  it("applies a role change and a revocation on the very next request (nothing cached)", async () => {
    const m = await member("annotator");
    expect((await query("members.list", { projectId }, m.cookie)).status).toBe(403);
    await h.db.update(memberships).set({ role: "admin" }).where(eq(memberships.userId, m.user.id));
    expect((await query("members.list", { projectId }, m.cookie)).status).toBe(200);
    await h.db.delete(memberships).where(eq(memberships.userId, m.user.id));
    expect((await query("members.list", { projectId }, m.cookie)).status).toBe(404);
    await addMember(h.db, projectId, m.user.id, "admin");
    await revokeSession(h.db, { token: m.token, secret: secret() });
    expect((await query("members.list", { projectId }, m.cookie)).status).toBe(401);
  });
});
