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
const ENGINEER = { email: "eng@example.test", password: "engineer password 1", name: "Eli Engineer" };
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
        await s.member(p.id, (await s.user(ENGINEER)).id, "ml_engineer");
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
    // More than 20 rows: asked first.
    const confirm = page.getByRole("dialog");
    await expectText(confirm, "Approve 50 items?");
    await confirm.getByRole("button", { name: "Approve 50" }).click();
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

  /** Elements wider than the window, for a failure message: the page must not scroll sideways. */
  async function overflowing(page: Page): Promise<{ scrollWidth: number; culprits: string[] }> {
    return page.evaluate(() => {
      const w = document.documentElement.clientWidth;
      const culprits = [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > w + 1)
        // Content of a scroll box scrolls inside it, unless it is positioned against something outside the box.
        .filter((el) => {
          const box = el.closest("[data-testid=batch-grid-scroll], .overflow-x-auto");
          return !box || (getComputedStyle(el).position === "absolute" && getComputedStyle(box).position === "static");
        })
        .slice(0, 8)
        .map((el) => `${el.tagName.toLowerCase()}.${String(el.className).slice(0, 80)}`);
      return { scrollWidth: document.documentElement.scrollWidth, culprits };
    });
  }

  it("asks before a large batch, undoes it as one action, fits at 1400 px and 800 px, and says why a filter is empty", async () => {
    const page = await app.newPage();
    await page.setViewportSize({ width: 1400, height: 900 });
    await app.login(page, REVIEWER.email, REVIEWER.password);
    await page.goto(`/p/${projectId}/batch?label=unlabelled`);
    await page.getByRole("grid", { name: "Predictions" }).waitFor();

    // At 1400 px every column, "Current label" included, is inside the card without scrolling.
    const scroller = page.getByTestId("batch-grid-scroll");
    const fits = await scroller.evaluate((el) => el.scrollWidth <= el.clientWidth);
    expect(fits).toBe(true);
    const header = (await page.getByRole("columnheader", { name: "Current label" }).boundingBox())!;
    const box = (await scroller.boundingBox())!;
    expect(header.x + header.width).toBeLessThanOrEqual(box.x + box.width + 1);

    // Select the whole page (67 unlabelled rows): approving asks first; cancelling stores nothing.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.getByRole("checkbox", { name: "Select all on this page" }).check();
    await expectText(page.getByTestId("batch-selected"), "67 selected");
    await page.getByRole("button", { name: /^Approve 67/ }).click();
    const confirm = page.getByRole("dialog");
    await expectText(confirm, "Approve 67 items?");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "hidden" });
    const humanCount = async () => {
      let n = 0;
      let cursor: number | undefined;
      do {
        const res: ItemsPage = await query<ItemsPage>(page, "items.list", {
          projectId,
          labelSource: "human",
          limit: 100,
          ...(cursor ? { cursor } : {}),
        });
        n += res.items.length;
        cursor = res.nextCursor ?? undefined;
      } while (cursor);
      return n;
    };
    expect(await humanCount()).toBe(53);
    await page.getByRole("button", { name: /^Approve 67/ }).click();
    await confirm.getByRole("button", { name: "Approve 67" }).click();
    await expectText(page.getByRole("status").filter({ hasText: "decisions stored" }), "67 decisions stored");
    expect(await humanCount()).toBe(120);

    // Undo takes the whole batch back: the labels are what they were before it.
    await page.getByRole("button", { name: "Undo 67" }).click();
    await expectText(page.getByRole("status").filter({ hasText: "undone" }), "67 decisions undone");
    expect(await humanCount()).toBe(53);
    expect(await page.locator("tr[aria-selected]").filter({ hasText: "Approved" }).count()).toBe(0);

    // An empty filter says which filter emptied it and what would fill it.
    await page.goto(`/p/${projectId}/batch?reason=audit`);
    await expectText(page.getByText("No predictions: awaiting audit"), "awaiting audit");
    expect(await page.getByText("Widen the confidence range").count()).toBe(0);

    // 800 px: the tab bar wraps in view and the grid scrolls inside its card, not the page.
    await page.setViewportSize({ width: 800, height: 900 });
    await page.goto(`/p/${projectId}/batch`);
    await page.getByRole("grid", { name: "Predictions" }).waitFor();
    expect(await overflowing(page)).toEqual({ scrollWidth: 800, culprits: [] });
    for (const link of await page.getByRole("navigation", { name: "Project" }).getByRole("link").all()) {
      const b = (await link.boundingBox())!;
      expect(b.x + b.width).toBeLessThanOrEqual(800);
    }
    expect(await scroller.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await page.context().close();

    const engineer = await app.newPage();
    await engineer.setViewportSize({ width: 800, height: 900 });
    await app.login(engineer, ENGINEER.email, ENGINEER.password);
    await engineer.goto(`/p/${projectId}/models`);
    await engineer.getByRole("table", { name: "Model versions" }).waitFor();
    expect(await overflowing(engineer)).toEqual({ scrollWidth: 800, culprits: [] });
    await engineer.context().close();
  });
});
