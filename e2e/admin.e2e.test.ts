/** Instance admin pages: create an account from the UI, then give it a role in a project. */
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
});
