/**
 * Settling a disputed label in the batch grid, in a real browser: a second
 * opinion disagreed with an annotator's label; the reviewer filters the grid to
 * "Second opinion disagrees", sees who chose what, approves the item as
 * predicted, and it leaves the filter.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { annotations, items, labels, users } from "@/db/schema";
import { seedReviewProject } from "@/bench/lib/ui-seed";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, expectText, startApp, type E2EApp } from "./harness";

const ANN = { email: "first@example.test", password: "first opinion password 1", name: "Fay First" };
const SECOND = { email: "second@example.test", password: "second opinion password 1", name: "Sue Second" };
const REVIEWER = { email: "judge@example.test", password: "reviewer password 1", name: "Rita Reviewer" };
const env = e2eEnvironment();

describe.skipIf(!env.ready)("disputed labels in the batch grid", () => {
  let app: E2EApp;
  let projectId = 0;
  let disputedTitle = "";
  let secondPath = "";

  beforeAll(async () => {
    app = await startApp({
      seed: async (s) => {
        const seed = await seedReviewProject(s, { annotator: ANN, poolSize: 12, labelled: 0 });
        projectId = seed.projectId;
        const [first] = await s.db
          .select({ id: items.id, title: items.title })
          .from(items)
          .where(eq(items.externalId, "sku-00003"));
        disputedTitle = first!.title;
        const predicted = seed.items.get(disputedTitle)!.top[0]!;
        const other = seed.categories.find((c) => c.id !== predicted.categoryId)!;
        secondPath = other.path;
        const [ann] = await s.db.select({ id: users.id }).from(users).where(eq(users.email, ANN.email));
        const annId = ann!.id;
        const second = await s.user(SECOND);
        const reviewer = await s.user(REVIEWER);
        await s.member(projectId, second.id, "annotator");
        await s.member(projectId, reviewer.id, "reviewer");
        // The first person labelled it as predicted; the second opinion chose another category.
        await s.db.insert(labels).values({
          itemId: first!.id,
          projectId,
          categoryId: predicted.categoryId,
          source: "human",
          userId: annId,
          updatedAt: new Date(Date.now() - 60_000),
        });
        await s.db.insert(annotations).values({
          projectId,
          itemId: first!.id,
          userId: second.id,
          action: "correct",
          categoryId: other.id,
          reason: "overlap",
          idempotencyKey: randomUUID(),
          previousLabel: { categoryId: predicted.categoryId, source: "human", userId: annId },
        });
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(() => app?.stop());

  it("shows who chose what, and approving settles it", async () => {
    const page = await app.newPage();
    await app.login(page, REVIEWER.email, REVIEWER.password);
    await page.goto(`/p/${projectId}/batch`);
    await page.getByRole("grid", { name: "Predictions" }).waitFor();
    await page.getByLabel("Reason").selectOption("disputed");
    await page.waitForURL(/reason=disputed/);
    const rows = page.locator("tbody tr");
    await expect.poll(() => rows.count()).toBe(1);
    await expectText(rows.first(), disputedTitle);
    await expectText(rows.first().getByTestId("dispute"), `Sue Second: ${secondPath}`);

    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press(" ");
    await expectText(page.getByTestId("batch-selected"), "1 selected");
    await page.keyboard.press("a");
    await expectText(
      page.getByRole("status").filter({ hasText: "stored:" }),
      "1 decision stored: approved as predicted.",
    );
    // Settled: the new human label leaves the filter (the grid, now empty, gives way to its empty state).
    await page.reload();
    await page.getByText("No predictions: second opinion disagrees").waitFor();
    expect(page.url()).toMatch(/reason=disputed/);
    expect(await page.getByText(disputedTitle).count()).toBe(0);
  });
});
