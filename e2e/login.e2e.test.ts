/**
 * Login, the projects page, logout, and the redirect of logged-out visitors.
 * Hostile titles seeded here must render as text (no script runs).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, expectText, maybeScreenshot, startApp, type E2EApp } from "./harness";

const ADMIN = { email: "admin@example.test", password: "correct horse battery staple", name: "Ada Admin" };
const ANNOTATOR = { email: "ann@example.test", password: "annotator password 1", name: "Ann Otator" };
const XSS = `<img src=x onerror="window.__xss=1">`;

const env = e2eEnvironment();

describe.skipIf(!env.ready)("login flow in a real browser", () => {
  let app: E2EApp;
  let projectId = 0;

  beforeAll(async () => {
    app = await startApp({
      seed: async (s) => {
        await s.user({ ...ADMIN, isAdmin: true });
        const ann = await s.user(ANNOTATOR);
        const p = await s.project({
          name: "Product taxonomy",
          description: "Assign each grocery product to its aisle and department.",
          categories: [
            "Produce > Fresh fruits",
            "Produce > Fresh vegetables",
            "Dairy eggs > Yogurt",
            "Snacks > Chips pretzels",
            "Beverages > Water seltzer",
          ],
        });
        projectId = p.id;
        await s.member(p.id, ann.id, "annotator");
        const titles = [
          "Organic Hass Avocado",
          "Sparkling Lemon Water 12 pack",
          "Greek Yogurt, Plain, Whole Milk",
          "Sea Salt Kettle Chips",
          "Baby Spinach Salad Mix",
          XSS,
          "Honeycrisp Apples, 3 lb bag",
          "Blueberry Skyr",
        ];
        await s.items(
          p.id,
          titles.map((title, i) => ({
            externalId: `sku-${1000 + i}`,
            title,
            split: i % 4 === 3 ? ("test" as const) : ("pool" as const),
            label:
              i % 3 === 0
                ? { category: i % 5, source: "human" as const }
                : i % 3 === 1
                  ? { category: (i + 1) % 5, source: "auto" as const, confidence: 0.97 }
                  : undefined,
          })),
        );
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await app?.stop();
  });

  it("redirects a logged-out visitor to /login with the page to come back to", async () => {
    const page = await app.newPage();
    await page.goto("/");
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.goto(`/p/${projectId}?split=pool`);
    const url = new URL(page.url());
    expect(url.pathname).toBe("/login");
    expect(url.searchParams.get("next")).toBe(`/p/${projectId}?split=pool`);
    await page.context().close();
  });

  it("shows a generic error for a wrong password", async () => {
    const page = await app.newPage();
    await page.goto("/login");
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Log in" }).click();
    await expectText(page.getByRole("alert"), "Email or password is incorrect.");
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.context().close();
  });

  it("logs an admin in, shows the projects, the overview, and logs out", async () => {
    const page = await app.newPage();
    let xssFired = false;
    page.on("dialog", (d) => {
      xssFired = true;
      void d.dismiss();
    });
    await page.goto("/login");
    await page.getByLabel("Email").waitFor();
    await maybeScreenshot(page, "login");

    await app.login(page, ADMIN.email, ADMIN.password);
    expect(new URL(page.url()).pathname).toBe("/");
    await expectText(page.getByTestId("current-user"), ADMIN.name);
    const card = page.getByTestId("project-list").getByRole("link", { name: /Product taxonomy/ });
    await expectText(card, "Admin");
    await maybeScreenshot(page, "projects");

    await card.click();
    await page.waitForURL(`**/p/${projectId}`);
    await expectText(page.getByTestId("project-name"), "Product taxonomy");
    await expectText(page.getByTestId("overview-counts"), "Categories");
    // The hostile title is on the page as text, and nothing ran.
    await page.getByRole("cell", { name: XSS }).waitFor();
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(xssFired).toBe(false);
    // Every nav entry is there for an admin.
    const nav = page.getByRole("navigation", { name: "Project" });
    for (const label of ["Overview", "Review", "Batch review", "Models", "Dashboard", "Data", "Members", "Audit log"]) {
      await nav.getByRole("link", { name: label, exact: false }).first().waitFor();
    }
    await maybeScreenshot(page, "project-overview");

    // Filtering goes through the URL and the server.
    await page.getByLabel("Split").selectOption("test");
    await page.waitForURL(/split=test/);
    await page.getByRole("cell", { name: "Sea Salt Kettle Chips" }).waitFor();
    expect(await page.getByRole("cell", { name: "Organic Hass Avocado" }).count()).toBe(0);

    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL("**/login");
    await page.goto("/");
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.context().close();
  });

  it("gives an annotator only the pages their role opens, and 403/404 elsewhere", async () => {
    const page = await app.newPage();
    await app.login(page, ANNOTATOR.email, ANNOTATOR.password);
    await page.goto(`/p/${projectId}`);
    const nav = page.getByRole("navigation", { name: "Project" });
    await nav.getByRole("link", { name: "Review", exact: false }).waitFor();
    expect(await nav.getByRole("link", { name: "Members" }).count()).toBe(0);

    await page.goto(`/p/${projectId}/members`);
    await page.getByTestId("access-denied").waitFor();
    await page.goto(`/p/999999`);
    await page.getByTestId("not-found").waitFor();
    await page.goto(`/admin/users`);
    await page.getByTestId("access-denied").waitFor();
    await page.context().close();
  });
});
