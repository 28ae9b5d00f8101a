/** Idle timeout, log out everywhere and a password change: what ends which sessions. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditEvents, sessions, users } from "@/db/schema";
import { hashPassword } from "@/server/auth/password";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { makeUser, TEST_SECRET } from "@/test/factories";
import {
  changePassword,
  createSession,
  getSessionUser,
  logIn,
  logOutEverywhere,
  pruneAuthRecords,
  sessionIdFor,
} from "./index";

describe.each(dbTargets())("account security on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  const session = (userId: number, idleMinutes = 30) =>
    createSession(h.db, { userId, secret: TEST_SECRET, ttlHours: 24, idleMinutes });
  const lastSeen = (token: string, minutesAgo: number) =>
    h.db
      .update(sessions)
      .set({ lastSeenAt: new Date(Date.now() - minutesAgo * 60_000) })
      .where(eq(sessions.id, sessionIdFor(token, TEST_SECRET)));

  it("ends a session unused for its idle timeout, and moves the clock of one in use", async () => {
    const user = await makeUser(h.db);
    const idle = await session(user.id, 30);
    const busy = await session(user.id, 30);
    await lastSeen(idle.token, 31);
    await lastSeen(busy.token, 29);
    expect(await getSessionUser(h.db, idle.token, TEST_SECRET)).toBeNull();
    expect(await getSessionUser(h.db, busy.token, TEST_SECRET)).toMatchObject({ id: user.id });
    // Used at minute 29: the clock moved, so 29 more minutes later it is still live.
    const [row] = await h.db
      .select({ lastSeenAt: sessions.lastSeenAt })
      .from(sessions)
      .where(eq(sessions.id, sessionIdFor(busy.token, TEST_SECRET)));
    expect(Date.now() - (row?.lastSeenAt.getTime() ?? 0)).toBeLessThan(60_000);
    expect(await pruneAuthRecords(h.db, { now: new Date() })).toMatchObject({ sessions: 1 });
  });

  it("logs a user out everywhere, and nobody else", async () => {
    const user = await makeUser(h.db);
    const other = await makeUser(h.db);
    const a = await session(user.id);
    const b = await session(user.id);
    const theirs = await session(other.id);
    expect(await logOutEverywhere(h.db, { user })).toEqual({ sessionsEnded: 2 });
    expect(await getSessionUser(h.db, a.token, TEST_SECRET)).toBeNull();
    expect(await getSessionUser(h.db, b.token, TEST_SECRET)).toBeNull();
    expect(await getSessionUser(h.db, theirs.token, TEST_SECRET)).toMatchObject({ id: other.id });
    const audit = await h.db
      .select({ actorId: auditEvents.actorId })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "user.logout_everywhere"), eq(auditEvents.entityId, String(user.id))));
    expect(audit).toEqual([{ actorId: user.id }]);
  });

  it("changes the password only with the current one, ends the old sessions and gives this browser a new one", async () => {
    const oldPassword = "correct horse battery";
    const newPassword = "staple and another one";
    const user = await makeUser(h.db, { passwordHash: await hashPassword(oldPassword) });
    const thief = await session(user.id);
    const common = { user, clientKey: "test-client", secret: TEST_SECRET, ttlHours: 24, idleMinutes: 30 };

    await expect(changePassword(h.db, { ...common, currentPassword: "wrong guess!!", newPassword })).rejects.toThrow(
      /incorrect/,
    );
    await expect(
      changePassword(h.db, { ...common, currentPassword: oldPassword, newPassword: oldPassword }),
    ).rejects.toThrow(/newPassword/);
    const [before] = await h.db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, user.id));

    const fresh = await changePassword(h.db, { ...common, currentPassword: oldPassword, newPassword });
    expect(await getSessionUser(h.db, thief.token, TEST_SECRET)).toBeNull();
    expect(await getSessionUser(h.db, fresh.token, TEST_SECRET)).toMatchObject({ id: user.id });
    const [after] = await h.db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, user.id));
    expect(after?.hash).not.toBe(before?.hash);

    const login = (password: string) =>
      logIn(h.db, {
        email: user.email,
        password,
        clientKey: "test-client-2",
        previousToken: null,
        secret: TEST_SECRET,
        ttlHours: 1,
      });
    await expect(login(oldPassword)).rejects.toThrow(/incorrect/);
    await expect(login(newPassword)).resolves.toMatchObject({ user: { id: user.id } });
  });
});
