/**
 * The first hour, from the UI alone: an empty instance with one administrator
 * creates a project, imports a taxonomy file (a refused one first), imports
 * items and makes the first review decision, while the overview says what is next.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, expectText, maybeScreenshot, startApp, type E2EApp } from "./harness";

const ADMIN = { email: "first@example.test", password: "first admin password", name: "Fay First" };
const env = e2eEnvironment();

const file = (name: string, text: string, mimeType = "text/plain") => ({
  name,
  mimeType,
  buffer: Buffer.from(text, "utf8"),
});

async function expectNextStep(page: Page, step: string): Promise<void> {
  const steps = page.getByTestId("first-steps");
  await expect.poll(() => steps.getAttribute("data-next"), { timeout: 15_000 }).toBe(step);
}

describe.skipIf(!env.ready)("the first hour in a real browser", () => {
  let app: E2EApp;

  beforeAll(async () => {
    app = await startApp({ seed: async (s) => void (await s.user({ ...ADMIN, isAdmin: true })) });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await app?.stop();
  });

  it("creates a project, loads a taxonomy and items, and makes the first decision", async () => {
    const page = await app.newPage();
    await app.login(page, ADMIN.email, ADMIN.password);
    await expectText(page.locator("main"), "No projects yet");
    await page.getByLabel("Name", { exact: true }).fill("Corner Shop");
    expect(await page.getByLabel("Slug").inputValue()).toBe("corner-shop");
    await page.getByLabel("Description (optional)").fill("Groceries of the corner shop");
    await page.getByLabel("Precision target (%)").fill("95");
    await page.getByRole("button", { name: "Create project" }).click();
    await page.waitForURL(/\/p\/\d+$/);
    const projectId = Number(new URL(page.url()).pathname.split("/").pop());
    await expectText(page.getByTestId("project-name"), "Corner Shop");
    await expectNextStep(page, "taxonomy");
    await expectText(page.getByTestId("first-steps"), "Why nothing is automated yet");
    await maybeScreenshot(page, "first-steps");

    await page.getByTestId("next-step").getByRole("link", { name: "Load the taxonomy" }).click();
    await page.waitForURL(`**/p/${projectId}/categories`);
    const taxonomyFile = page.getByLabel("Taxonomy file");
    await taxonomyFile.setInputFiles(file("bad.txt", "Produce > Fruits\nProduce >  > Herbs\nProduce>Fruits\n"));
    const refused = page.getByRole("table", { name: "Refused lines" });
    await expectText(refused, 'empty path segment in "Produce >  > Herbs"');
    await expectText(refused.getByRole("row").filter({ hasText: "already on line 1" }), "3");
    expect(await page.getByRole("button", { name: /^Import \d+ categories$/ }).count()).toBe(0);

    const csv = "department,aisle\nProduce,Fresh fruits\nProduce,Fresh vegetables\nBakery,Bread\n";
    await taxonomyFile.setInputFiles(file("taxonomy.csv", csv, "text/csv"));
    const preview = page.getByTestId("taxonomy-preview");
    await expectText(preview, "3 new, 0 restored, 0 already here");
    await expectText(preview, "Produce > Fresh vegetables");
    const parents = page.getByLabel(/Also create each parent path/);
    await parents.check();
    await expectText(preview, "5 new, 0 restored, 0 already here");
    await parents.uncheck();
    await expectText(preview, "3 new, 0 restored, 0 already here");
    await page.getByRole("button", { name: "Import 3 categories" }).click();
    await expectText(page.getByRole("status").filter({ hasText: "Imported" }), "Imported 3 categories");
    await expectText(page.getByRole("heading", { name: /categories$/ }), "3 categories");
    // The same file again: everything is already there, nothing to write.
    await taxonomyFile.setInputFiles(file("taxonomy.csv", csv, "text/csv"));
    await expectText(preview, "0 new, 0 restored, 3 already here");
    expect(await page.getByRole("button", { name: "Nothing new to import" }).isDisabled()).toBe(true);

    await page.goto(`/p/${projectId}`);
    await expectNextStep(page, "items");
    await page.getByTestId("next-step").getByRole("link", { name: "Import items" }).click();
    await page.waitForURL(`**/p/${projectId}/data`);
    const items = [
      "id,title",
      "1,Organic bananas 1 kg",
      "2,Sourdough loaf",
      "3,Baby spinach 200 g",
      "4,Gala apples 6 pack",
      "5,Wholemeal bread rolls",
    ].join("\n");
    await page.getByLabel("File", { exact: true }).setInputFiles(file("items.csv", items, "text/csv"));
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await expectText(page.getByRole("status").filter({ hasText: "Imported 5 rows" }), "5 items created");

    await page.goto(`/p/${projectId}`);
    await expectNextStep(page, "labels");
    await page.getByTestId("next-step").getByRole("link", { name: "Label the first items" }).click();
    await page.waitForURL(`**/p/${projectId}/review`);
    await page.getByTestId("review-title").waitFor();
    await page.keyboard.press("/");
    await page.getByRole("combobox", { name: "Search categories" }).waitFor();
    await page.keyboard.type("fruits");
    await expectText(page.getByRole("option", { selected: true }), "Fresh fruits");
    await page.keyboard.press("Enter");

    // The decision is sent in the background: the overview shows it once it has landed.
    await expect
      .poll(
        async () => {
          await page.goto(`/p/${projectId}`);
          return page.getByTestId("first-steps").getAttribute("data-next");
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe("gold");
    expect(await page.locator('[data-step="labels"]').getAttribute("data-done")).toBe("true");
    await expectText(page.getByTestId("first-steps"), "1 label from people or the import");
    await expectText(page.getByTestId("first-steps"), "No model is active yet");
    await page.context().close();
  });
});
