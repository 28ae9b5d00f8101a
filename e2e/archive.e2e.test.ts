/**
 * Archiving, the soft delete, in a real browser: an instance admin archives a project
 * from its settings, its member no longer sees it (the page answers not found), and the
 * admin restores it from the projects page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, startApp, type E2EApp } from "./harness";

const ADMIN = { email: "ada@example.test", password: "admin password 123", name: "Ada Admin" };
const MEMBER = { email: "max@example.test", password: "member password 123", name: "Max Member" };
const env = e2eEnvironment();

describe.skipIf(!env.ready)("archiving a project in a real browser", () => {
  let app: E2EApp;
  let projectId = 0;

  beforeAll(async () => {
    app = await startApp({
      seed: async (s) => {
        await s.user({ ...ADMIN, isAdmin: true });
        const member = await s.user(MEMBER);
        projectId = (await s.project({ name: "Old catalogue", categories: ["Dairy", "Bakery"] })).id;
        await s.member(projectId, member.id, "manager");
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await app?.stop();
  });

  it("archives from the settings, hides the project from its member, and restores it", async () => {
    const admin = await app.newPage();
    await app.login(admin, ADMIN.email, ADMIN.password);
    await admin.goto(`${app.baseUrl}/p/${projectId}/settings`);
    await admin.getByRole("button", { name: "Archive project" }).click();
    const dialog = admin.getByRole("dialog", { name: "Archive “Old catalogue”?" });
    await dialog.getByRole("button", { name: "Archive" }).click();
    await admin.waitForURL(`${app.baseUrl}/`);
    await admin.getByTestId("archived-projects").getByText("Old catalogue").waitFor();
    expect(await admin.getByTestId("project-list").count()).toBe(0);

    const member = await app.newPage();
    await app.login(member, MEMBER.email, MEMBER.password);
    await member.getByText("You are not in any project yet").waitFor();
    const page = await member.goto(`${app.baseUrl}/p/${projectId}`);
    expect(page?.status()).toBe(404);

    await admin.getByTestId("archived-projects").getByRole("button", { name: "Restore" }).click();
    await admin.getByTestId("project-list").getByText("Old catalogue").waitFor();
    await member.goto(`${app.baseUrl}/`);
    await member.getByTestId("project-list").getByText("Old catalogue").waitFor();
  });
});
