/**
 * Taxonomy-aware confidence in a real browser. The seeded project has a three-level grocery
 * taxonomy. On the review page the most uncertain item's prediction is unsure of the leaf but
 * sure of its parent: the page says so, lists the alternatives inside that parent first, and the
 * type-ahead offers that parent's categories first. In the batch grid a reviewer narrows the
 * predictions to everything under "Dairy", then under "Dairy > Cheese".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { items, predictions } from "@/db/schema";
import { seedReviewProject } from "@/bench/lib/ui-seed";
import {
  E2E_SETUP_TIMEOUT_MS,
  e2eEnvironment,
  expectText,
  maybeScreenshot,
  startApp,
  waitForOtherReviewItem,
  type E2EApp,
} from "./harness";

const ANN = { email: "tax@example.test", password: "taxonomy password 1", name: "Tara Tax" };
const REVIEWER = { email: "tax-rev@example.test", password: "taxonomy reviewer 1", name: "Rex Reviewer" };
const env = e2eEnvironment();

describe.skipIf(!env.ready)("taxonomy-aware review and batch filtering", () => {
  let app: E2EApp;
  let projectId = 0;
  let unsureTitle = "";
  let underDairy = 0;
  let underCheese = 0;

  beforeAll(async () => {
    app = await startApp({
      seed: async (s) => {
        const seed = await seedReviewProject(s, { annotator: ANN, poolSize: 40, labelled: 0 });
        projectId = seed.projectId;
        const reviewer = await s.user(REVIEWER);
        await s.member(projectId, reviewer.id, "reviewer");
        const cat = (path: string) => seed.categories.find((c) => c.path === path)!;
        for (const it of seed.items.values()) {
          const path = it.top[0]!.path;
          if (path.startsWith("Dairy > ")) underDairy++;
          if (path.startsWith("Dairy > Cheese > ")) underCheese++;
        }
        // sku-00000: unsure between cheeses (and bread), sure it is cheese; the smallest margin, so it is served first.
        const [row] = await s.db
          .select({ id: items.id, title: items.title })
          .from(items)
          .where(and(eq(items.projectId, projectId), eq(items.externalId, "sku-00000")));
        unsureTitle = row!.title;
        const before = seed.items.get(unsureTitle)!.top[0]!.path;
        if (before.startsWith("Dairy > ")) underDairy--;
        if (before.startsWith("Dairy > Cheese > ")) underCheese--;
        underDairy++;
        underCheese++;
        const hard = cat("Dairy > Cheese > Hard cheese");
        await s.db
          .update(predictions)
          .set({
            categoryId: hard.id,
            confidence: 0.46,
            margin: 0.0001,
            entropy: 1.2,
            top: [
              { categoryId: hard.id, prob: 0.46 },
              { categoryId: cat("Bakery > Bread").id, prob: 0.05 },
              { categoryId: cat("Dairy > Cheese > Soft cheese").id, prob: 0.459 },
            ],
            ancestors: [
              { path: "Dairy", prob: 0.93 },
              { path: "Dairy > Cheese", prob: 0.92 },
            ],
          })
          .where(and(eq(predictions.projectId, projectId), eq(predictions.itemId, row!.id)));
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(() => app?.stop());

  it("names the parent it is sure of and offers its categories first", async () => {
    const page = await app.newPage();
    await app.login(page, ANN.email, ANN.password);
    await page.goto(`/p/${projectId}/review`);
    // It has the smallest margin; the diversity step may still serve another first: skip to it.
    const title = page.getByTestId("review-title");
    await title.waitFor();
    for (let i = 0; i < 40 && (await title.innerText()) !== unsureTitle; i++) {
      const shown = await title.getAttribute("data-item-id");
      await page.keyboard.press("s");
      await waitForOtherReviewItem(page, shown);
    }
    await expectText(title, unsureTitle);
    const parent = page.getByTestId("likely-parent");
    await expectText(parent, "Dairy › Cheese");
    await expectText(parent, "92%");
    await expectText(parent, "which subcategory?");
    // The suggestion first, then the other cheese before the bread the model also offered.
    const choices = page.locator('[data-testid^="choice-"]');
    await expectText(choices.nth(0), "Hard cheese");
    await expectText(choices.nth(1), "Soft cheese");
    await expectText(choices.nth(2), "Bread");
    await maybeScreenshot(page, "review-likely-parent");
    await page.keyboard.press("/");
    await page.getByRole("combobox", { name: "Search categories" }).waitFor();
    const options = page.getByRole("option");
    await expectText(options.nth(0), "Hard cheese");
    await expectText(options.nth(1), "Soft cheese");
    // A query still lists matches inside the parent first: "e" matches nearly everything.
    await page.keyboard.type("e");
    await expectText(page.getByRole("option").nth(0), "cheese");
    await page.keyboard.press("Escape");
  });

  it("a reviewer filters the grid to a parent category and a level below it", async () => {
    const page = await app.newPage();
    await app.login(page, REVIEWER.email, REVIEWER.password);
    await page.goto(`/p/${projectId}/batch`);
    await page.getByRole("grid", { name: "Predictions" }).waitFor();
    const within = page.getByLabel("Within");
    await within.selectOption("Dairy");
    await page.waitForURL(/within=Dairy(&|$)/);
    const rows = page.locator("tbody tr");
    await expect.poll(() => rows.count()).toBe(underDairy);
    for (const text of await rows.allInnerTexts()) expect(text).toMatch(/Dairy/);
    await within.selectOption("Dairy > Cheese");
    await page.waitForURL(/within=Dairy\+%3E\+Cheese/);
    await expect.poll(() => rows.count()).toBe(underCheese);
    for (const text of await rows.allInnerTexts()) expect(text).toMatch(/(Hard|Soft) cheese/);
    // The predicted-category list narrows to the parent's categories.
    const offered = await page.getByLabel("Predicted category").locator("option").allInnerTexts();
    expect(offered.slice(1).every((o) => o.startsWith("Dairy > Cheese > "))).toBe(true);
    // Reload keeps the filter (it lives in the URL).
    await page.reload();
    await expect.poll(() => rows.count()).toBe(underCheese);
  });
});
