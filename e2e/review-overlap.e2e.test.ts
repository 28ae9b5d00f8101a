/**
 * Second opinions in a real browser: with the second-opinion rate at 100%, an
 * annotator is shown items a colleague already labelled, marked "Second
 * opinion", gives one blind decision of each kind that counts (agree by
 * type-ahead, disagree with "none fits"), and the manager's dashboard shows
 * the agreement: 1 of 2.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { projects } from "@/db/schema";
import { DEFAULT_SETTINGS } from "@/server/services/projects";
import {
  E2E_SETUP_TIMEOUT_MS,
  e2eEnvironment,
  expectText,
  startApp,
  waitForOtherReviewItem,
  type E2EApp,
} from "./harness";

const ANN = { email: "second@example.test", password: "second opinion password 1", name: "Sam Second" };
const MGR = { email: "boss@example.test", password: "manager password 1", name: "Mo Manager" };
const CATEGORIES = ["Pantry > Pasta", "Pantry > Rice", "Snacks > Chips"];
const env = e2eEnvironment();

describe.skipIf(!env.ready)("second opinions", () => {
  let app: E2EApp;
  let projectId = 0;

  beforeAll(async () => {
    app = await startApp({
      seed: async (s) => {
        const ann = await s.user(ANN);
        const mgr = await s.user(MGR);
        const p = await s.project({ name: "Second opinions", categories: CATEGORIES });
        projectId = p.id;
        await s.member(p.id, ann.id, "annotator");
        await s.member(p.id, mgr.id, "manager");
        await s.db
          .update(projects)
          .set({ settings: { ...DEFAULT_SETTINGS, evaluationRate: 0, suspectRate: 0, overlapRate: 1 } })
          .where(eq(projects.id, p.id));
        // Two items a colleague labelled "Pantry > Pasta" (human labels), nothing else to review.
        await s.items(p.id, [
          { externalId: "a", title: "Spaghetti no. 5, 500 g", label: { category: 0, source: "human" } },
          { externalId: "b", title: "Fusilli tricolore, 1 kg", label: { category: 0, source: "human" } },
        ]);
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(() => app?.stop());

  it("serves them marked, blind, and the dashboard counts the agreement", async () => {
    const page = await app.newPage();
    await app.login(page, ANN.email, ANN.password);
    await page.goto(`/p/${projectId}/review`);
    const title = page.getByTestId("review-title");
    await title.waitFor();
    await expectText(page.locator("main"), "Second opinion");
    const firstId = await title.getAttribute("data-item-id");

    // Agree: type-ahead to the colleague's category.
    await page.keyboard.press("/");
    await page.getByRole("combobox", { name: "Search categories" }).waitFor();
    await page.keyboard.type("pasta");
    await expectText(page.getByRole("option", { selected: true }), "Pasta");
    await page.keyboard.press("Enter");
    await waitForOtherReviewItem(page, firstId);
    await expectText(page.locator("main"), "Second opinion");
    // Disagree: none fits.
    await page.keyboard.press("x");

    const boss = await app.newPage();
    await app.login(boss, MGR.email, MGR.password);
    // Decisions go out from the review page's outbox in the background: look until both are in.
    await expect
      .poll(
        async () => {
          await boss.goto(`/p/${projectId}/dashboard`);
          const summary = boss.getByTestId("dashboard-summary");
          await summary.waitFor();
          return summary.textContent();
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toMatch(/Annotator agreement\s*50\.0%.*2 second opinions/);
  });
});
