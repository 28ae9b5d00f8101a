/**
 * Postgres: a request's statements are cancelled after LOUPE_STATEMENT_TIMEOUT_MS and the
 * caller gets a plain 503, while the jobs' pool has no such limit. (PGlite cannot cancel a
 * statement: its one thread is running it; the test needs TEST_DATABASE_URL.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessions } from "@/db/schema";
import { closeDbHandle, getDbHandle, getRequestDb } from "@/server/db";
import { env } from "@/server/env";
import { isStatementTimeout, toTRPCError } from "@/server/errors";
import { handleTrpcRequest } from "@/server/http/http";
import { createSession, getSessionUser } from "@/server/services/auth";
import { createPostgresDatabase } from "@/test/db";
import { makeUser } from "@/test/factories";
import { TEST_HOST, TEST_ORIGIN } from "@/test/http-env";

const base = process.env.TEST_DATABASE_URL;
const TIMEOUT_MS = 300;

describe.skipIf(!base)("statement timeout per request on Postgres", () => {
  let database: { url: string; drop: () => Promise<void> };
  const dataDir = mkdtempSync(path.join(tmpdir(), "loupe-timeout-"));

  beforeAll(async () => {
    database = await createPostgresDatabase(base!);
    // env() is read once per process (this file runs in its own): point it here before anything reads it.
    Object.assign(process.env, {
      DATABASE_URL: database.url,
      LOUPE_MODE: "demo",
      LOUPE_DATA_DIR: dataDir,
      LOUPE_STATEMENT_TIMEOUT_MS: String(TIMEOUT_MS),
    });
    delete process.env.SESSION_SECRET;
    delete process.env.ALLOWED_ORIGINS;
  });
  afterAll(async () => {
    await closeDbHandle();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("cancels a request's statement past the limit, maps it to a plain 503, and leaves the jobs' pool unlimited", async () => {
    const slow = await (await getRequestDb()).db.execute(sql`select pg_sleep(2)`).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isStatementTimeout(slow)).toBe(true);
    const mapped = toTRPCError(slow);
    expect(mapped.code).toBe("SERVICE_UNAVAILABLE");
    expect(mapped.message).not.toMatch(/pg_sleep|select|cancel/i);
    // The main pool (jobs, imports, exports) is not limited.
    await (await getDbHandle()).db.execute(sql`select pg_sleep(${(2 * TIMEOUT_MS) / 1000})`);
  });

  it("answers a tRPC call held past the limit with 503 and a plain message, and it changes nothing", async () => {
    const { db } = await getDbHandle();
    const user = await makeUser(db);
    const { token } = await createSession(db, { userId: user.id, secret: env().sessionSecret, ttlHours: 1 });
    const logout = () =>
      handleTrpcRequest(
        new Request(`${TEST_ORIGIN}/api/trpc/auth.logout`, {
          method: "POST",
          headers: {
            host: TEST_HOST,
            origin: TEST_ORIGIN,
            "content-type": "application/json",
            cookie: `loupe_session=${token}`,
          },
          body: "{}",
        }),
      );
    // Another connection holds every session row, so the logout's update waits on it past the limit.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = db.transaction(async (tx) => {
      await tx.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, user.id)).for("update");
      locked();
      await released;
    });
    await isLocked;
    // Without a limit the call would wait for this: then it succeeds, late, and the test fails on its status.
    const safety = setTimeout(() => release(), 10 * TIMEOUT_MS);
    const t0 = Date.now();
    const res = await logout();
    clearTimeout(safety);
    release();
    await holder;
    expect(res.status).toBe(503);
    expect(Date.now() - t0).toBeLessThan(10 * TIMEOUT_MS);
    expect(JSON.stringify(await res.json())).toMatch(/took the database too long/);
    expect(await getSessionUser(db, token, env().sessionSecret)).not.toBeNull();
    // Unheld, the same call goes through.
    expect((await logout()).status).toBe(200);
  });
});
