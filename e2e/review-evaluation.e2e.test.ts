/**
 * Evaluation picks in a real browser: with the evaluation share at 100%, the
 * annotator sees items marked "Evaluation" ("your label measures the model")
 * without the model's suggestion, although the active model has one for each;
 * a decision made by type-ahead becomes gold.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import superjson from "superjson";
import { items, projects } from "@/db/schema";
import { DEFAULT_SETTINGS } from "@/server/services/projects";
import { activateModel, seedPredictions } from "@/test/queue-fixtures";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, expectText, startApp, type E2EApp } from "./harness";

const ANN = { email: "eval@example.test", password: "evaluation password 1", name: "Eve Valuator" };
const CATEGORIES = ["Pantry > Pasta", "Pantry > Rice", "Snacks > Chips"];
const env = e2eEnvironment();

describe.skipIf(!env.ready)("evaluation picks", () => {
  let app: E2EApp;
  let projectId = 0;

  beforeAll(async () => {
    app = await startApp({
      seed: async (s) => {
        const ann = await s.user(ANN);
        const p = await s.project({ name: "Evaluation", categories: CATEGORIES });
        projectId = p.id;
        await s.member(p.id, ann.id, "annotator");
        await s.db
          .update(projects)
          .set({ settings: { ...DEFAULT_SETTINGS, evaluationRate: 1, suspectRate: 0, auditRate: 0 } })
          .where(eq(projects.id, p.id));
        await s.items(p.id, [
          { externalId: "a", title: "Spaghetti no. 5, 500 g" },
          { externalId: "b", title: "Basmati rice, 1 kg" },
        ]);
        const rows = await s.db.select({ id: items.id }).from(items).where(eq(items.projectId, p.id));
        const mv = await activateModel(s.db, p.id, p.categoryIds);
        // The model would say "Snacks > Chips" with 97% for both: it must not be shown.
        await seedPredictions(
          s.db,
          p.id,
          mv,
          rows.map((r) => ({ itemId: r.id, categoryId: p.categoryIds[2]!, second: p.categoryIds[0]!, margin: 0.94 })),
        );
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(() => app?.stop());

  it("marks the pick, hides the suggestion, and the decision becomes gold", async () => {
    const page = await app.newPage();
    await app.login(page, ANN.email, ANN.password);
    await page.goto(`/p/${projectId}/review`);
    await page.getByTestId("review-title").waitFor();
    const main = page.locator("main");
    await expectText(main, "Evaluation");
    await expectText(main, "your label measures the model");
    await expectText(main, "The model's suggestion is hidden");
    expect(await main.textContent()).not.toContain("97%");
    await page.keyboard.press("/");
    await page.getByRole("combobox", { name: "Search categories" }).waitFor();
    await page.keyboard.type("pasta");
    await expectText(page.getByRole("option", { selected: true }), "Pasta");
    await page.keyboard.press("Enter");
    const input = encodeURIComponent(JSON.stringify(superjson.serialize({ projectId })));
    await expect
      .poll(
        async () => {
          const body = await page.evaluate(
            async (url) => (await fetch(url)).text(),
            `/api/trpc/evaluation.status?input=${input}`,
          );
          const parsed = JSON.parse(body) as { result: { data: Parameters<typeof superjson.deserialize>[0] } };
          return superjson.deserialize<{ gold: { fromEvaluation: number } }>(parsed.result.data).gold.fromEvaluation;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(1);
  });
});
