/**
 * `npm start`'s web server (scripts/serve.ts) end to end: tRPC answered on its
 * fast path and pages by Next in one process, with the inline job worker, and
 * a clean shutdown on SIGTERM — requests finish, the worker stops, the
 * database (an embedded PGlite folder here) is closed, and what was written
 * before is there when the folder is opened again.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, eq } from "drizzle-orm";
import { openDb } from "@/db/client";
import { sessions, users } from "@/db/schema";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, startApp, type E2EApp } from "./harness";

const ADMIN = { email: "serve-admin@example.test", password: "serve admin password 1" };
const env = e2eEnvironment();

describe.skipIf(!env.ready)("npm start's web server", () => {
  let app: E2EApp;

  beforeAll(async () => {
    app = await startApp({
      env: { LOUPE_WORKER: "inline" },
      seed: async (s) => {
        await s.user({ ...ADMIN, isAdmin: true });
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(() => app?.stop());

  it("serves tRPC and pages from one process, then shuts down cleanly on SIGTERM", async () => {
    // A write through the tRPC path: the login stores a session.
    const login = await fetch(`${app.baseUrl}/api/trpc/auth.login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: app.baseUrl },
      body: JSON.stringify({ json: ADMIN }),
    });
    expect(login.status).toBe(200);
    const cookie = login.headers.getSetCookie()[0]!.split(";")[0]!;
    const me = await fetch(`${app.baseUrl}/api/trpc/auth.me`, { headers: { cookie } });
    expect(JSON.stringify(await me.json())).toContain(ADMIN.email);
    // A page through Next, authenticated by the same cookie.
    const page = await fetch(`${app.baseUrl}/admin/users`, { headers: { cookie }, redirect: "manual" });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(ADMIN.email);

    const exit = await app.terminate();
    expect(exit, app.logs()).toMatchObject({ code: 0, signal: null });
    expect(exit.ms).toBeLessThan(20_000);
    expect(app.logs()).toMatch(/SIGTERM: closing the web server[\s\S]*stopped/);

    const reopened = await openDb(
      app.databaseUrl ? { url: app.databaseUrl } : { dataDir: path.join(app.dataDir, "pglite") },
    );
    try {
      const [row] = await reopened.db
        .select({ n: count() })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(eq(users.email, ADMIN.email));
      expect(row?.n).toBeGreaterThanOrEqual(1);
    } finally {
      await reopened.close();
    }
  });
});
