/**
 * Batch review in a real browser: a reviewer filters the grid to one predicted
 * category with confidence ≥ 80%, selects 50 rows with the keyboard, approves
 * them in one action, then corrects a shift-clicked range to another category.
 * What was stored is read back through the procedures, as the reviewer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { eq } from "drizzle-orm";
import { modelVersions, predictions, projects } from "@/db/schema";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, expectText, maybeScreenshot, startApp, type E2EApp } from "./harness";

const REVIEWER = { email: "rev@example.test", password: "reviewer password 1", name: "Rita Reviewer" };
const XSS = `<img src=x onerror="window.__xss=1">`;
const CATEGORIES = [
  "Produce > Fresh fruits",
  "Produce > Fresh vegetables",
  "Dairy eggs > Yogurt",
  "Snacks > Chips pretzels",
  "Beverages > Water seltzer",
];

const env = e2eEnvironment();

/** A query procedure through /api/trpc with the page's session cookie (superjson over GET). */
async function query<T>(page: Page, path: string, input: unknown): Promise<T> {
  const body = await page.evaluate(
    async ({ path, input }) => {
      const res = await fetch(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
      return { status: res.status, text: await res.text() };
    },
    { path, input },
  );
  if (body.status !== 200) throw new Error(`${path}: HTTP ${body.status} ${body.text}`);
  return (JSON.parse(body.text) as { result: { data: { json: T } } }).result.data.json;
}

type ItemsPage = {
  items: { id: number; title: string; label: { categoryId: number | null; source: string } | null }[];
  nextCursor: number | null;
};
type Decisions = { recent: { itemId: number; action: string; categoryId: number | null; title: string }[] };

describe.skipIf(!env.ready)("batch review in a real browser", () => {
  let app: E2EApp;
  let projectId = 0;
  let catIds: number[] = [];

  beforeAll(async () => {
    app = await startApp({
      seed: async (s) => {
        const rev = await s.user(REVIEWER);
        const p = await s.project({ name: "Grocery taxonomy", categories: CATEGORIES });
        projectId = p.id;
        catIds = p.categoryIds;
        await s.member(p.id, rev.id, "reviewer");
        // 70 fruit predictions (60 of them ≥ 0.8), 50 spread over the other categories, one hostile title.
        const rows = Array.from({ length: 120 }, (_, i) => ({
          externalId: `sku-${1000 + i}`,
          title: i === 5 ? XSS : `Product ${1000 + i}`,
        }));
        await s.items(p.id, rows);
        const [mv] = await s.db
          .insert(modelVersions)
          .values({ projectId: p.id, version: 1, status: "ready", trigger: "manual", categoryIds: catIds })
          .returning({ id: modelVersions.id });
        await s.db.update(projects).set({ activeModelVersionId: mv!.id }).where(eq(projects.id, p.id));
        const items = await s.db.query.items.findMany({
          where: (t, { eq: eqOp }) => eqOp(t.projectId, p.id),
          orderBy: (t, { asc }) => [asc(t.id)],
        });
        await s.db.insert(predictions).values(
          items.map((it, i) => {
            const fruit = i < 70;
            const category = fruit ? catIds[0]! : catIds[1 + (i % 4)]!;
            const confidence = fruit ? (i < 60 ? 0.99 - i * 0.003 : 0.5 + (i - 60) * 0.02) : 0.4 + (i % 50) * 0.011;
            const runnerUp = fruit ? catIds[1]! : catIds[0]!;
            return {
              modelVersionId: mv!.id,
              itemId: it.id,
              projectId: p.id,
              categoryId: category,
              confidence,
              margin: confidence * 0.7,
              entropy: 1 - confidence,
              top: [
                { categoryId: category, prob: confidence },
                { categoryId: runnerUp, prob: (1 - confidence) * 0.8 },
              ],
            };
          }),
        );
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await app?.stop();
  });

  it("filters, selects 50 with the keyboard, approves them at once, then corrects a range to another category", async () => {
    const page = await app.newPage();
    let dialogs = 0;
    page.on("dialog", (d) => {
      dialogs++;
      void d.dismiss();
    });
    await app.login(page, REVIEWER.email, REVIEWER.password);
    await page.goto(`/p/${projectId}/batch`);
    await page.getByRole("grid", { name: "Predictions" }).waitFor();

    // The hostile title is text in the grid and nothing ran.
    await page.getByText(XSS, { exact: true }).first().waitFor();
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

    // Filter: one predicted category and confidence ≥ 80% (Enter applies the range).
    await page.getByLabel("Predicted category").selectOption(String(catIds[0]));
    await page.waitForURL(new RegExp(`cat=${catIds[0]}`));
    await page.getByLabel("Confidence ≥ %").fill("80");
    await page.getByLabel("Confidence ≥ %").press("Enter");
    await page.waitForURL(/min=80/);
    await expectText(page.getByText(/Rows 1–60 of 60/), "of 60");

    // Keyboard: space selects the first row, shift+↓ extends over 49 more.
    // Focus left the filter box when the page re-rendered; make sure keys reach the grid, not an input.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press(" ");
    for (let i = 0; i < 49; i++) await page.keyboard.press("Shift+ArrowDown");
    await expectText(page.getByTestId("batch-selected"), "50 selected");
    await page.keyboard.press("a");
    await expectText(
      page.getByRole("status").filter({ hasText: "decisions stored" }),
      "50 decisions stored: approved as predicted.",
    );
    expect(await page.locator("tr[aria-selected]").filter({ hasText: "Approved" }).count()).toBe(50);

    // Mouse: click row 51, shift-click row 53, then "c" and pick a category by typing.
    const rows = page.locator("tbody tr");
    await rows.nth(50).click();
    await rows.nth(52).click({ modifiers: ["Shift"] });
    await expectText(page.getByTestId("batch-selected"), "3 selected");
    await page.evaluate(() => window.scrollTo(0, 0));
    await maybeScreenshot(page, "batch");
    await page.keyboard.press("c");
    await page.getByRole("dialog").getByLabel("Search categories").fill("vegetables");
    await page.keyboard.press("Enter");
    await expectText(
      page.getByRole("status").filter({ hasText: "decisions stored" }),
      "3 decisions stored: corrected to Produce > Fresh vegetables.",
    );
    expect(dialogs).toBe(0);

    // Read back through the procedures: 53 decisions by this reviewer, 53 human labels with the right categories.
    const mine = await query<Decisions>(page, "annotations.listMine", { projectId, limit: 100 });
    expect(mine.recent).toHaveLength(53);
    const accepts = mine.recent.filter((d) => d.action === "accept");
    const corrects = mine.recent.filter((d) => d.action === "correct");
    expect(accepts).toHaveLength(50);
    expect(accepts.every((d) => d.categoryId === catIds[0])).toBe(true);
    expect(corrects).toHaveLength(3);
    expect(corrects.every((d) => d.categoryId === catIds[1])).toBe(true);

    const human: ItemsPage["items"] = [];
    let cursor: number | undefined;
    do {
      const res: ItemsPage = await query<ItemsPage>(page, "items.list", {
        projectId,
        labelSource: "human",
        limit: 100,
        ...(cursor ? { cursor } : {}),
      });
      human.push(...res.items);
      cursor = res.nextCursor ?? undefined;
    } while (cursor);
    expect(human).toHaveLength(53);
    const labelOf = new Map(human.map((h) => [h.id, h.label?.categoryId]));
    for (const d of accepts) expect(labelOf.get(d.itemId)).toBe(catIds[0]);
    for (const d of corrects) expect(labelOf.get(d.itemId)).toBe(catIds[1]);

    // Filtering to labelled-by-a-person now shows exactly those rows.
    await page.getByLabel("Label state").selectOption("human");
    await page.waitForURL(/label=human/);
    await expectText(page.getByText(/Rows 1–\d+ of \d+/), "of 53");
    await page.context().close();
  });
});
