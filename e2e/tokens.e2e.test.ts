/**
 * API tokens in a real browser: create one on the account page, see it once,
 * use it from outside the browser (Bearer, no cookie), revoke it, and the same
 * call is refused with 401.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, expectText, startApp, type E2EApp } from "./harness";

const USER = { email: "pipeline@example.test", password: "pipeline password 123", name: "Pia Pipeline" };
const env = e2eEnvironment();

describe.skipIf(!env.ready)("API tokens in a real browser", () => {
  let app: E2EApp;
  let projectId = 0;

  beforeAll(async () => {
    app = await startApp({
      seed: async (s) => {
        const user = await s.user(USER);
        projectId = (await s.project({ name: "Catalogue", categories: ["Dairy", "Bakery"] })).id;
        await s.member(projectId, user.id, "ml_engineer");
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await app?.stop();
  });

  const listCategories = (token: string) =>
    fetch(
      `${app.baseUrl}/api/trpc/categories.list?input=${encodeURIComponent(JSON.stringify({ json: { projectId } }))}`,
      { headers: { authorization: `Bearer ${token}` } },
    );

  it("creates a token shown once, which works with no cookie until it is revoked", async () => {
    const page = await app.newPage();
    await app.login(page, USER.email, USER.password);
    await page.getByRole("link", { name: "API tokens" }).click();
    await page.getByLabel("Token name").fill("PIM sync");
    await page.getByRole("button", { name: "Create token" }).click();
    const token = (await page.getByTestId("new-token").textContent())?.trim() ?? "";
    expect(token).toMatch(/^loupe_pat_[A-Za-z0-9_-]{43}$/);
    const row = page.getByRole("row", { name: /PIM sync/ });
    await row.waitFor();
    expect(await row.textContent()).not.toContain(token);

    const ok = await listCategories(token);
    expect(ok.status).toBe(200);
    expect(JSON.stringify(await ok.json())).toContain("Bakery");

    // Shown once: after a reload the page has only the prefix.
    await page.reload();
    await row.waitFor();
    expect(await page.content()).not.toContain(token);
    await expectText(row, "read");

    await row.getByRole("button", { name: "Revoke" }).click();
    const dialog = page.getByRole("dialog", { name: "Revoke “PIM sync”?" });
    await dialog.getByRole("button", { name: "Revoke" }).click();
    await dialog.waitFor({ state: "hidden" });
    await expectText(row, "Revoked");
    expect((await listCategories(token)).status).toBe(401);
    await page.context().close();
  });
});
