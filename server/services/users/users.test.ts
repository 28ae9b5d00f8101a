import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditEvents, leases, users } from "@/db/schema";
import { verifyPassword } from "@/server/auth/password";
import { createSession, getSessionUser } from "@/server/services/auth";
import { setUserDisabled } from "@/server/services/users/users";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { callerFor, makeProject, makeUser, TEST_SECRET } from "@/test/factories";
import { insertItems } from "@/server/routers/__tests__/fixtures";

describe.each(dbTargets())("users on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  async function auditFor(action: string, entityId: number) {
    return h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, action), eq(auditEvents.entityId, String(entityId))));
  }

  it("creates a user with a generated password shown once, and no project role", async () => {
    const admin = await makeUser(h.db, { isAdmin: true });
    const res = await callerFor(h.db, admin).users.create({ email: " New.Person@Example.TEST ", name: "New Person" });
    expect(res.user).toMatchObject({ email: "new.person@example.test", name: "New Person", isAdmin: false });
    expect(res.user).not.toHaveProperty("passwordHash");
    expect(res.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const [row] = await h.db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, res.user.id));
    expect(row!.hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(row!.hash, res.generatedPassword!)).toBe(true);
    // Least privilege: no project until someone grants a role.
    await makeProject(h.db);
    expect(await callerFor(h.db, { ...res.user }).projects.list()).toEqual([]);
    const [event] = await auditFor("user.create", res.user.id);
    expect(event).toMatchObject({
      actorId: admin.id,
      projectId: null,
      after: { email: "new.person@example.test", isAdmin: false },
    });
    expect(JSON.stringify(event)).not.toContain("argon2");
  });

  it("uses a given password and returns none; refuses short passwords and duplicate emails clearly", async () => {
    const admin = await makeUser(h.db, { isAdmin: true });
    const api = callerFor(h.db, admin);
    const res = await api.users.create({ email: "chosen@example.test", name: "C", password: "a long passphrase" });
    expect(res.generatedPassword).toBeNull();
    await expect(api.users.create({ email: "short@example.test", name: "S", password: "short" })).rejects.toMatchObject(
      {
        code: "BAD_REQUEST",
        message: expect.stringContaining("at least 12 characters"),
      },
    );
    await expect(api.users.create({ email: "CHOSEN@example.test", name: "Again" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: "A user with email chosen@example.test already exists",
    });
  });

  it("refuses everyone but instance admins", async () => {
    const plain = await makeUser(h.db);
    await expect(callerFor(h.db, plain).users.create({ email: "x@example.test", name: "X" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(callerFor(h.db, null).users.list({})).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await h.db.select().from(users).where(eq(users.email, "x@example.test"))).toEqual([]);
  });

  it("lists with search by email or name (wildcards literal) and keyset pages", async () => {
    const admin = await makeUser(h.db, { isAdmin: true });
    await makeUser(h.db, { email: "zed-100%@example.test", name: "Zed Percent" });
    await makeUser(h.db, { email: "zed-one@example.test", name: "Zed One" });
    await makeUser(h.db, { email: "other@example.test", name: "Zedekiah" });
    const api = callerFor(h.db, admin);
    expect((await api.users.list({ search: "ZED-" })).users.map((u) => u.email)).toEqual([
      "zed-100%@example.test",
      "zed-one@example.test",
    ]);
    expect((await api.users.list({ search: "100%" })).users).toHaveLength(1);
    expect((await api.users.list({ search: "zedek" })).users.map((u) => u.name)).toEqual(["Zedekiah"]);
    const seen: number[] = [];
    let cursor: number | undefined;
    do {
      const page = await api.users.list({ limit: 2, cursor });
      expect(page.users.length).toBeLessThanOrEqual(2);
      seen.push(...page.users.map((u) => u.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe((await h.db.select({ id: users.id }).from(users)).length);
    await expect(api.users.list({ limit: 101 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("disabling revokes sessions and leases, is audited, and can be undone", async () => {
    const admin = await makeUser(h.db, { isAdmin: true });
    const victim = await makeUser(h.db);
    const { project } = await makeProject(h.db);
    const [item] = await insertItems(h, project.id, ["leased"]);
    await h.db.insert(leases).values({
      itemId: item!.id,
      projectId: project.id,
      userId: victim.id,
      reason: "uncertain",
      expiresAt: new Date(Date.now() + 600_000),
    });
    const { token } = await createSession(h.db, { userId: victim.id, secret: TEST_SECRET, ttlHours: 1 });
    const api = callerFor(h.db, admin);
    const res = await api.users.setDisabled({ userId: victim.id, disabled: true });
    expect(res.disabledAt).toBeInstanceOf(Date);
    expect(await getSessionUser(h.db, token, TEST_SECRET)).toBeNull();
    expect(await h.db.select().from(leases).where(eq(leases.userId, victim.id))).toEqual([]);
    expect(await auditFor("user.disable", victim.id)).toMatchObject([
      { before: { disabled: false }, after: { disabled: true } },
    ]);
    expect((await api.users.setDisabled({ userId: victim.id, disabled: false })).disabledAt).toBeNull();
    expect(await auditFor("user.enable", victim.id)).toHaveLength(1);
    await expect(api.users.setDisabled({ userId: 999_999, disabled: true })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "User not found",
    });
  });

  it("an admin cannot disable themself, and two admins disabling each other leave one", async () => {
    const a = await makeUser(h.db, { isAdmin: true });
    await expect(callerFor(h.db, a).users.setDisabled({ userId: a.id, disabled: true })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: "You cannot disable your own account",
    });
    // Make these two the only enabled admins.
    await h.db
      .update(users)
      .set({ disabledAt: new Date() })
      .where(and(eq(users.isAdmin, true)));
    await h.db.update(users).set({ disabledAt: null }).where(eq(users.id, a.id));
    const b = await makeUser(h.db, { isAdmin: true });
    const results = await Promise.allSettled([
      setUserDisabled(h.db, { actorId: a.id, userId: b.id, disabled: true }),
      setUserDisabled(h.db, { actorId: b.id, userId: a.id, disabled: true }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({
      code: "PRECONDITION_FAILED",
      message: "You cannot disable the last administrator",
    });
  });

  it("resets a password: the old one stops working and sessions end", async () => {
    const admin = await makeUser(h.db, { isAdmin: true });
    const target = await makeUser(h.db);
    const { token } = await createSession(h.db, { userId: target.id, secret: TEST_SECRET, ttlHours: 1 });
    const res = await callerFor(h.db, admin).users.resetPassword({ userId: target.id });
    expect(res.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const [row] = await h.db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, target.id));
    expect(await verifyPassword(row!.hash, res.generatedPassword!)).toBe(true);
    expect(await getSessionUser(h.db, token, TEST_SECRET)).toBeNull();
    const [event] = await auditFor("user.reset_password", target.id);
    expect(event).toMatchObject({ actorId: admin.id, before: null, after: null });
    await expect(
      callerFor(h.db, admin).users.resetPassword({ userId: 999_999, password: "long enough passphrase" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
