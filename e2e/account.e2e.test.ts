/**
 * One's own account in a real browser: a password change ends the session another
 * browser held (and the old password), and "log out everywhere" ends them all.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, startApp, type E2EApp } from "./harness";

const USER = { email: "mira@example.test", password: "first password 123", name: "Mira Merch" };
const NEW_PASSWORD = "second password 456";
const env = e2eEnvironment();

describe.skipIf(!env.ready)("account security in a real browser", () => {
  let app: E2EApp;

  beforeAll(async () => {
    app = await startApp({
      seed: async (s) => {
        await s.user(USER);
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await app?.stop();
  });

  it("changes the password, which logs the other browser out; then logs out everywhere", async () => {
    const here = await app.newPage();
    const there = await app.newPage();
    await app.login(here, USER.email, USER.password);
    await app.login(there, USER.email, USER.password);

    await here.getByRole("link", { name: "Account" }).click();
    await here.getByLabel("Current password").fill("not my password");
    await here.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await here.getByLabel("New password again").fill(NEW_PASSWORD);
    await here.getByRole("button", { name: "Change password" }).click();
    await here.getByText("Email or password is incorrect").waitFor();

    await here.getByLabel("Current password").fill(USER.password);
    await here.getByRole("button", { name: "Change password" }).click();
    await here.getByText("Password changed.").waitFor();

    // The other browser's session ended; this one goes on.
    await there.goto(`${app.baseUrl}/account`);
    await there.waitForURL(/\/login/);
    await here.reload();
    await here.getByRole("heading", { name: "Account" }).waitFor();

    // The old password no longer works; the new one does.
    const third = await app.newPage();
    await app.login(third, USER.email, NEW_PASSWORD);
    await here.getByRole("button", { name: "Log out everywhere" }).click();
    await here.waitForURL(/\/login/);
    await third.goto(`${app.baseUrl}/account`);
    await third.waitForURL(/\/login/);
    expect(third.url()).toContain("/login");
  });
});
