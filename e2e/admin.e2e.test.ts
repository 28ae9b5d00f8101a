/** Instance admin pages: create an account from the UI, give it a role, copy and reset its password, disable it. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, expectText, maybeScreenshot, startApp, type E2EApp } from "./harness";

const ADMIN = { email: "root@example.test", password: "admin password 123", name: "Rita Root" };
const env = e2eEnvironment();

describe.skipIf(!env.ready)("admin pages in a real browser", () => {
  let app: E2EApp;
  let projectId = 0;

  beforeAll(async () => {
    app = await startApp({
      seed: async (s) => {
        await s.user({ ...ADMIN, isAdmin: true });
        projectId = (await s.project({ name: "Support tickets", categories: ["Billing", "Bug", "Feature request"] }))
          .id;
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await app?.stop();
  });

  it("creates an account with a generated password, adds it to a project, and the new user can log in", async () => {
    const page = await app.newPage();
    await app.login(page, ADMIN.email, ADMIN.password);
    await page.goto("/admin/users");
    await page.getByLabel("Name").fill("Nora New");
    await page.getByLabel("Email", { exact: true }).fill("nora@example.test");
    await page.getByRole("button", { name: "Create account" }).click();
    const generated = (await page.getByTestId("generated-password").textContent())?.trim() ?? "";
    expect(generated.length).toBeGreaterThanOrEqual(12);
    await page.getByRole("cell", { name: "nora@example.test" }).waitFor();
    await maybeScreenshot(page, "admin-users");

    await page.goto(`/p/${projectId}/members`);
    await page.getByLabel("Add by email").fill("nora@example.test");
    await page.getByLabel("Role", { exact: true }).selectOption("reviewer");
    await page.getByRole("button", { name: "Add member" }).click();
    await page.getByRole("cell", { name: "nora@example.test" }).waitFor();
    await expectText(page.getByRole("status"), "added as Reviewer");
    await maybeScreenshot(page, "members");
    await page.context().close();

    const nora = await app.newPage();
    await app.login(nora, "nora@example.test", generated);
    await expectText(nora.getByTestId("project-list"), "Support tickets");
    await expectText(nora.getByTestId("project-list"), "Reviewer");
    await nora.context().close();
  });

  it("copies a new account's one-time password, and resets it later with a new one shown once", async () => {
    const page = await app.newPage();
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await app.login(page, ADMIN.email, ADMIN.password);
    await page.goto("/admin/users");
    await page.getByLabel("Name").fill("Otto Once");
    await page.getByLabel("Email", { exact: true }).fill("otto@example.test");
    await page.getByRole("button", { name: "Create account" }).click();
    const first = (await page.getByTestId("generated-password").textContent())?.trim() ?? "";
    await page.getByRole("button", { name: "Copy password" }).click();
    await page.getByRole("button", { name: "Copied" }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(first);
    await page.getByRole("button", { name: "Done" }).click();

    const row = page.getByRole("row", { name: /otto@example\.test/ });
    await row.getByRole("button", { name: "Reset password" }).click();
    const dialog = page.getByRole("dialog", { name: "Reset Otto Once's password?" });
    await dialog.getByRole("button", { name: "Reset password" }).click();
    await dialog.waitFor({ state: "hidden" });
    await expectText(
      page.getByRole("status").filter({ hasText: "New password for otto@example.test" }),
      "shown only now",
    );
    const second = (await page.getByTestId("generated-password").textContent())?.trim() ?? "";
    expect(second.length).toBeGreaterThanOrEqual(12);
    expect(second).not.toBe(first);
    await page.getByRole("button", { name: "Copy password" }).click();
    await page.getByRole("button", { name: "Copied" }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(second);
    await page.context().close();

    const otto = await app.newPage();
    await otto.goto("/login");
    await otto.getByLabel("Email").fill("otto@example.test");
    await otto.getByLabel("Password").fill(first);
    await otto.getByRole("button", { name: "Log in" }).click();
    await expectText(otto.getByRole("alert"), "Email or password is incorrect.");
    await app.login(otto, "otto@example.test", second);
    await expectText(otto.getByTestId("current-user"), "Otto Once");
    await otto.context().close();
  });

  it("disables through the app's dialog, and the disabled user is told so only with the right password", async () => {
    const page = await app.newPage();
    let nativeDialogs = 0;
    page.on("dialog", (d) => {
      nativeDialogs++;
      void d.dismiss();
    });
    await app.login(page, ADMIN.email, ADMIN.password);
    await page.goto("/admin/users");
    await page.getByLabel("Name").fill("Dina Disabled");
    await page.getByLabel("Email", { exact: true }).fill("dina@example.test");
    await page.getByLabel("Password (optional)").fill("dina's long password");
    await page.getByRole("button", { name: "Create account" }).click();
    const row = page.getByRole("row", { name: /dina@example\.test/ });
    await row.getByRole("button", { name: "Disable" }).click();
    const dialog = page.getByRole("dialog", { name: "Disable Dina Disabled?" });
    await expectText(dialog, "logged out everywhere");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    await expectText(row, "Active");
    await row.getByRole("button", { name: "Disable" }).click();
    await dialog.getByRole("button", { name: "Disable" }).click();
    await dialog.waitFor({ state: "hidden" });
    await expectText(row, "Disabled");
    expect(nativeDialogs).toBe(0);
    await page.context().close();

    const dina = await app.newPage();
    await dina.goto("/login");
    await dina.getByLabel("Email").fill("dina@example.test");
    await dina.getByLabel("Password").fill("not her password");
    await dina.getByRole("button", { name: "Log in" }).click();
    await expectText(dina.getByRole("alert"), "Email or password is incorrect.");
    await dina.getByLabel("Password").fill("dina's long password");
    await dina.getByRole("button", { name: "Log in" }).click();
    await expectText(dina.getByRole("alert"), "This account is disabled. Ask an administrator to enable it.");
    expect(new URL(dina.url()).pathname).toBe("/login");
    await dina.context().close();
  });
});
