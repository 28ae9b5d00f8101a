import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { sessions, users } from "@/db/schema";
import { hashPassword } from "@/server/auth/password";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { callerFor, makeUser, TEST_SECRET } from "@/test/factories";
import { getSessionUser, sessionIdFor } from "@/server/services/auth";

describe.each(dbTargets())("auth on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  function tokenFrom(cookies: string[]): string | null {
    const c = cookies.find((x) => x.startsWith("loupe_session="));
    return c ? c.split(";")[0]!.slice("loupe_session=".length) || null : null;
  }

  it("logs in, rotates the session on a second login, and logout revokes it", async () => {
    const user = await makeUser(h.db, { email: "ann@example.test", passwordHash: await hashPassword("correct horse") });
    const cookies: string[] = [];
    const first = await callerFor(h.db, null, { setCookie: (c) => cookies.push(c) }).auth.login({
      email: "ANN@example.test",
      password: "correct horse",
    });
    expect(first.user.id).toBe(user.id);
    const t1 = tokenFrom(cookies)!;
    expect(cookies[0]).toMatch(/HttpOnly/);
    expect(cookies[0]).toMatch(/SameSite=Lax/);
    expect(await getSessionUser(h.db, t1, TEST_SECRET)).toMatchObject({ id: user.id });

    cookies.length = 0;
    await callerFor(h.db, null, { sessionToken: t1, setCookie: (c) => cookies.push(c) }).auth.login({
      email: "ann@example.test",
      password: "correct horse",
    });
    const t2 = tokenFrom(cookies)!;
    expect(t2).not.toBe(t1);
    expect(await getSessionUser(h.db, t1, TEST_SECRET)).toBeNull();
    expect(await getSessionUser(h.db, t2, TEST_SECRET)).not.toBeNull();

    await callerFor(h.db, null, { sessionToken: t2 }).auth.logout();
    expect(await getSessionUser(h.db, t2, TEST_SECRET)).toBeNull();
    // Only the HMAC of the token is stored.
    const stored = await h.db
      .select()
      .from(sessions)
      .where(eq(sessions.id, sessionIdFor(t2, TEST_SECRET)));
    expect(stored).toHaveLength(1);
    expect(stored[0]!.id).not.toContain(t2);
  });

  it("gives one generic message for a wrong password and an unknown user, then throttles", async () => {
    await makeUser(h.db, { email: "bob@example.test", passwordHash: await hashPassword("right") });
    const anon = callerFor(h.db, null, { clientKey: "10.0.0.9" });
    await expect(anon.auth.login({ email: "bob@example.test", password: "wrong" })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: "Email or password is incorrect",
    });
    await expect(anon.auth.login({ email: "nobody@example.test", password: "x" })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: "Email or password is incorrect",
    });
    for (let i = 0; i < 4; i++) await anon.auth.login({ email: "bob@example.test", password: "wrong" }).catch(() => {});
    // Even the right password is refused while throttled.
    await expect(anon.auth.login({ email: "bob@example.test", password: "right" })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
    });
  });

  it("tells a disabled user their account is disabled, but only when the password is right", async () => {
    const dora = await makeUser(h.db, {
      email: "dora@example.test",
      passwordHash: await hashPassword("dora's password"),
    });
    await h.db.update(users).set({ disabledAt: new Date() }).where(eq(users.id, dora.id));
    const anon = callerFor(h.db, null, { clientKey: "10.0.0.10" });
    await expect(anon.auth.login({ email: "dora@example.test", password: "dora's password" })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: "This account is disabled. Ask an administrator to enable it.",
    });
    // A stranger guessing learns nothing: a wrong password gets the generic message, disabled or not.
    await expect(anon.auth.login({ email: "dora@example.test", password: "a guess" })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: "Email or password is incorrect",
    });
  });

  it("me requires a session", async () => {
    await expect(callerFor(h.db, null).auth.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});
