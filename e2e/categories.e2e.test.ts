/**
 * The categories page in a real browser: an ML engineer sees the taxonomy with
 * label counts, adds a category (and gets the server's refusal for a
 * duplicate), renames a parent with its subtree, removes one through the
 * confirmation dialog and restores it. An annotator gets the access-denied page.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, expectText, maybeScreenshot, startApp, type E2EApp } from "./harness";

const ENGINEER = { email: "tax@example.test", password: "taxonomy password 1", name: "Tara Taxonomist" };
const ANNOTATOR = { email: "ann-cat@example.test", password: "annotator password 1", name: "Ann Otator" };
const env = e2eEnvironment();

describe.skipIf(!env.ready)("categories page", () => {
  let app: E2EApp;
  let projectId = 0;

  beforeAll(async () => {
    app = await startApp({
      seed: async (s) => {
        const ml = await s.user(ENGINEER);
        const ann = await s.user(ANNOTATOR);
        const p = await s.project({
          name: "Groceries",
          categories: ["Produce", "Produce > Fruits", "Produce > Fruits > Apples", "Dairy > Yogurt"],
        });
        projectId = p.id;
        await s.member(p.id, ml.id, "ml_engineer");
        await s.member(p.id, ann.id, "annotator");
        await s.items(p.id, [
          { externalId: "1", title: "Gala apples", label: { category: 2, source: "human" } },
          { externalId: "2", title: "Braeburn apples", label: { category: 2, source: "auto", confidence: 0.99 } },
          { externalId: "3", title: "Greek yogurt", label: { category: 3, source: "import" } },
        ]);
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(() => app?.stop());

  // The list comes back with the page's refresh: on a loaded machine that takes longer than poll's default second.
  const POLL = { timeout: 15_000 };
  const paths = async (page: Page, testId = "category-path") =>
    (await page.getByTestId(testId).allTextContents()).map((t) => t.trim());

  it("adds, renames a subtree, removes and restores", async () => {
    const page = await app.newPage();
    await app.login(page, ENGINEER.email, ENGINEER.password);
    await page.goto(`/p/${projectId}/categories`);
    await page.getByRole("heading", { name: "Categories" }).first().waitFor();
    expect(await paths(page)).toEqual(["Dairy > Yogurt", "Produce", "Produce > Fruits", "Produce > Fruits > Apples"]);
    const apples = page.getByRole("row").filter({ hasText: "Produce > Fruits > Apples" });
    await expectText(apples, "1 · 1 · 0");

    await page.getByLabel("New category path").fill("Produce >Herbs");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect.poll(() => paths(page), POLL).toContain("Produce > Herbs");
    await page.getByLabel("New category path").fill("Produce");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expectText(page.getByRole("alert").filter({ hasText: "Not added" }), 'Category "Produce" already exists');

    await page.getByRole("button", { name: "Rename Produce", exact: true }).click();
    await expectText(page.locator("main"), "The 3 categories under it are renamed with it.");
    await page.getByLabel("New path for Produce", { exact: true }).fill("Fresh produce");
    await page.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(() => paths(page), POLL)
      .toEqual([
        "Dairy > Yogurt",
        "Fresh produce",
        "Fresh produce > Fruits",
        "Fresh produce > Fruits > Apples",
        "Fresh produce > Herbs",
      ]);
    // The labels stayed with the renamed category.
    await expectText(page.getByRole("row").filter({ hasText: "Fresh produce > Fruits > Apples" }), "1 · 1 · 0");

    await page.getByRole("button", { name: "Remove Dairy > Yogurt" }).click();
    const dialog = page.getByRole("dialog");
    await expectText(dialog, "The 1 item labelled with it keeps the label");
    await dialog.getByRole("button", { name: "Remove" }).click();
    await expect.poll(() => paths(page, "removed-category-path"), POLL).toEqual(["Dairy > Yogurt"]);
    expect(await paths(page)).not.toContain("Dairy > Yogurt");
    await maybeScreenshot(page, "categories");
    await page.getByRole("button", { name: "Restore Dairy > Yogurt" }).click();
    await expect.poll(() => paths(page), POLL).toContain("Dairy > Yogurt");
    expect(await paths(page, "removed-category-path")).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("an annotator gets the access-denied page, and no Categories tab", async () => {
    const page = await app.newPage();
    await app.login(page, ANNOTATOR.email, ANNOTATOR.password);
    await page.goto(`/p/${projectId}/categories`);
    await page.getByTestId("access-denied").waitFor();
    expect(await page.getByRole("navigation", { name: "Project" }).textContent()).not.toContain("Categories");
    await page.context().close();
  }, 60_000);
});
