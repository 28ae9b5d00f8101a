/**
 * A browser holding a session cookie that does not decode (a malformed % escape,
 * from a proxy or an old bug) is treated as logged out: it can still log in and out.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, startApp, type E2EApp } from "./harness";

const USER = { email: "cookie-user@example.test", password: "cookie user password 1", name: "Cora Cookie" };
const env = e2eEnvironment();

describe.skipIf(!env.ready)("a malformed session cookie in a real browser", () => {
  let app: E2EApp;

  beforeAll(async () => {
    app = await startApp({ seed: async (s) => void (await s.user({ ...USER, isAdmin: true })) });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(() => app?.stop());

  it("logs in over it and logs out again", async () => {
    const page = await app.newPage();
    await page.context().addCookies([{ name: "loupe_session", value: "%E0%A4%A", url: app.baseUrl }]);
    const me = await page.request.get("/api/trpc/auth.me");
    expect(me.status()).toBe(401);
    await app.login(page, USER.email, USER.password);
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL((u) => u.pathname === "/login", { timeout: 15_000 });
    expect((await page.request.get("/api/trpc/auth.me")).status()).toBe(401);
    await page.context().close();
  });
});
