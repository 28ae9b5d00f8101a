import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { loginFailures, sessions } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { makeUser, TEST_SECRET } from "@/test/factories";
import { createSession, getSessionUser, pruneAuthRecords, revokeSession, sessionIdFor } from "./index";
import { FAILURE_WINDOW_MS } from "./throttle";

describe.each(dbTargets())("pruning sessions and login failures on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  it("deletes expired and revoked sessions and failures past the throttle window, and keeps the rest", async () => {
    const user = await makeUser(h.db);
    const session = () => createSession(h.db, { userId: user.id, secret: TEST_SECRET, ttlHours: 1 });
    const live = await session();
    const revoked = await session();
    await revokeSession(h.db, { token: revoked.token, secret: TEST_SECRET });
    const expired = await session();
    await h.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.id, sessionIdFor(expired.token, TEST_SECRET)));
    const now = new Date();
    await h.db.insert(loginFailures).values([
      { key: "pair:old", at: new Date(now.getTime() - FAILURE_WINDOW_MS - 60_000) },
      { key: "pair:recent", at: new Date(now.getTime() - 60_000) },
    ]);

    expect(await pruneAuthRecords(h.db, { now })).toEqual({ sessions: 2, failures: 1 });
    expect(await h.db.select({ id: sessions.id }).from(sessions)).toHaveLength(1);
    expect(await getSessionUser(h.db, live.token, TEST_SECRET)).toMatchObject({ id: user.id });
    expect(await getSessionUser(h.db, revoked.token, TEST_SECRET)).toBeNull();
    expect((await h.db.select({ key: loginFailures.key }).from(loginFailures)).map((r) => r.key)).toEqual([
      "pair:recent",
    ]);
    // Nothing left to prune: a second run changes nothing.
    expect(await pruneAuthRecords(h.db, { now })).toEqual({ sessions: 0, failures: 0 });
  });
});
