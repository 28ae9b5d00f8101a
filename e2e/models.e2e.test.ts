/**
 * Models and settings in a real browser with the inline job worker, so
 * training really runs: an ML engineer trains the first model and a second
 * one while watching progress, then activates and rolls back through the
 * confirmation dialog; settings show server validation and the coverage read-off.
 * An annotator gets the access-denied page.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { eq } from "drizzle-orm";
import { projects } from "@/db/schema";
import { DEFAULT_SETTINGS } from "@/server/services/projects";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, expectText, maybeScreenshot, startApp, type E2EApp } from "./harness";

const ENGINEER = { email: "mle@example.test", password: "ml engineer password 1", name: "Mia Engineer" };
const ANNOTATOR = { email: "ann@example.test", password: "annotator password 1", name: "Ann Otator" };

/** Distinct words per category, plus shared filler words, so a small model learns it in seconds. */
const VOCAB: Record<string, string[]> = {
  "Produce > Fresh fruits": ["apple", "banana", "mango", "pear", "grape", "cherry", "peach", "plum", "kiwi", "melon"],
  "Dairy eggs > Yogurt": [
    "yogurt",
    "skyr",
    "kefir",
    "greek",
    "strained",
    "cultured",
    "probiotic",
    "vanilla",
    "plain",
    "lactose",
  ],
  "Snacks > Chips pretzels": [
    "chips",
    "pretzel",
    "crisps",
    "tortilla",
    "kettle",
    "salted",
    "crunchy",
    "popcorn",
    "nachos",
    "puffs",
  ],
  "Beverages > Water seltzer": [
    "water",
    "seltzer",
    "sparkling",
    "mineral",
    "spring",
    "lime",
    "bottle",
    "still",
    "fizzy",
    "tonic",
  ],
};
const FILLER = ["organic", "family", "pack", "value", "classic", "fresh", "large", "mini", "natural", "select"];

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function catalogue() {
  const rand = rng(7);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!;
  const cats = Object.keys(VOCAB);
  const rows: {
    externalId: string;
    title: string;
    split: "pool" | "test";
    label?: { category: number; source: "human" | "import" };
  }[] = [];
  for (let i = 0; i < 570; i++) {
    const c = i % cats.length;
    const words = VOCAB[cats[c]!]!;
    // Some titles borrow a word from another category and some labels are wrong, so
    // confidence varies and the coverage-vs-precision curve has something to show.
    const other = VOCAB[cats[(c + 1 + Math.floor(rand() * 3)) % cats.length]!]!;
    const title =
      rand() < 0.08
        ? `${pick(FILLER)} ${pick(words)} ${pick(other)} ${pick(FILLER)}`
        : `${pick(FILLER)} ${pick(words)} ${pick(words)} ${pick(FILLER)}`;
    const label = rand() < 0.015 ? (c + 1) % cats.length : c;
    // 320 labelled pool items, 150 gold test items, 100 unlabelled pool items.
    if (i < 320) rows.push({ externalId: `p-${i}`, title, split: "pool", label: { category: label, source: "human" } });
    else if (i < 470)
      rows.push({ externalId: `t-${i}`, title, split: "test", label: { category: label, source: "import" } });
    else rows.push({ externalId: `u-${i}`, title, split: "pool" });
  }
  return { cats, rows };
}

const env = e2eEnvironment();

async function versionCell(page: Page, version: number) {
  const cell = page.getByTestId(`version-${version}`);
  await cell.waitFor({ timeout: 120_000 });
  return cell;
}

async function waitForAttr(page: Page, testId: string, attr: string, value: string, timeoutMs = 120_000) {
  await page.waitForFunction(
    ([id, a, v]) => document.querySelector(`[data-testid="${id}"]`)?.getAttribute(a!) === v,
    [testId, attr, value] as const,
    { timeout: timeoutMs },
  );
}

/**
 * Clicks Train now and records every progress phase the UI shows until the new version is ready.
 * The table row's status agrees with the banner all along: "queued" only while the banner says queued.
 */
async function trainAndWatch(page: Page, version: number): Promise<string[]> {
  await page.getByRole("button", { name: "Train now" }).first().click();
  const seen = new Set<string>();
  const disagreements: string[] = [];
  const deadline = Date.now() + 150_000;
  for (;;) {
    const phase = await page
      .getByTestId("training-progress")
      .getAttribute("data-phase", { timeout: 250 })
      .catch(() => null);
    if (phase) seen.add(phase);
    const status = await page
      .getByTestId(`version-${version}`)
      .getAttribute("data-status", { timeout: 250 })
      .catch(() => null);
    const shown = await page.evaluate((v) => {
      const phase = document.querySelector("[data-testid=training-progress]")?.getAttribute("data-phase") ?? null;
      const row = document.querySelector(`[data-testid=version-${v}]`)?.getAttribute("data-status") ?? null;
      return { phase, row };
    }, version);
    if (shown.phase && shown.phase !== "queued" && shown.row === "queued")
      disagreements.push(`banner ${shown.phase}, table ${shown.row}`);
    if (status === "ready" || status === "failed") break;
    if (Date.now() > deadline)
      throw new Error(`version ${version} did not finish; phases seen: ${[...seen].join(", ")}`);
    await page.waitForTimeout(150);
  }
  expect(disagreements, "the table's status follows the banner").toEqual([]);
  return [...seen];
}

/** Toasts dismissed and the page at the top, so full-page screenshots show the page, not the moment. */
async function tidyForScreenshot(page: Page) {
  for (const b of await page.getByRole("button", { name: "Dismiss notification" }).all())
    await b.click().catch(() => {});
  await page.evaluate(() => window.scrollTo(0, 0));
}

async function confirmDialog(page: Page, button: string) {
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  await dialog.getByRole("button", { name: button }).click();
  await dialog.waitFor({ state: "hidden", timeout: 30_000 });
}

describe.skipIf(!env.ready)("models and settings in a real browser", () => {
  let app: E2EApp;
  let projectId = 0;

  beforeAll(async () => {
    app = await startApp({
      env: { LOUPE_WORKER: "inline" },
      seed: async (s) => {
        const eng = await s.user(ENGINEER);
        const ann = await s.user(ANNOTATOR);
        const { cats, rows } = catalogue();
        const p = await s.project({
          name: "Grocery taxonomy",
          description: "Aisles for a grocery catalogue.",
          categories: cats,
        });
        projectId = p.id;
        await s.member(p.id, eng.id, "ml_engineer");
        await s.member(p.id, ann.id, "annotator");
        await s.items(p.id, rows);
        // No automatic retraining: the minute tick would otherwise start the first run before the test clicks.
        await s.db
          .update(projects)
          .set({ settings: { ...DEFAULT_SETTINGS, evaluationRate: 0, suspectRate: 0, retrainEveryLabels: 0 } })
          .where(eq(projects.id, p.id));
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await app?.stop();
  });

  // Server output explains most browser-side timeouts (a 500, a failed job).
  beforeEach((ctx) => {
    ctx.onTestFailed(() => console.error(`[e2e] server log tail:\n${app?.logs().slice(-4000)}`));
  });

  it("an ML engineer trains, watches progress, activates and rolls back", async () => {
    const page = await app.newPage();
    await app.login(page, ENGINEER.email, ENGINEER.password);
    await page.goto(`/p/${projectId}/models`);
    await expectText(page.getByText("Train the first model"), "Train the first model");

    // First model: no active version yet, so it passes the gate and becomes active.
    const phases1 = await trainAndWatch(page, 1);
    expect(phases1.length, "progress UI showed at least one state").toBeGreaterThan(0);
    await waitForAttr(page, "version-1", "data-active", "true");
    const row1 = page.getByRole("row").filter({ has: page.getByTestId("version-1") });
    expect(await row1.textContent()).toMatch(/\d+\.\d%/); // accuracy and coverage shown

    // A second version; the gate may or may not activate it automatically.
    const phases2 = await trainAndWatch(page, 2);
    expect(phases2.length).toBeGreaterThan(0);
    expect(await (await versionCell(page, 2)).getAttribute("data-status")).toBe("ready");
    const row2 = page.getByRole("row").filter({ has: page.getByTestId("version-2") });
    expect(await row2.textContent()).toMatch(/\d+\.\d%/);
    // Same labels, same hold-out: the training count does not wander between versions.
    await expectText(page.getByTestId("splits-2"), " · ");
    const counts = (v: number) => page.getByTestId(`splits-${v}`).textContent();
    expect(await counts(2)).toBe(await counts(1));
    expect(await counts(1)).toMatch(/^\d+ · \d+ · 150$/);
    if ((await page.getByTestId("version-2").getAttribute("data-active")) !== "true") {
      await row2.getByRole("button", { name: "Activate version 2" }).click();
      await confirmDialog(page, "Activate");
      await waitForAttr(page, "version-2", "data-active", "true", 30_000);
    }
    expect(await page.getByTestId("version-1").getAttribute("data-active")).toBe("false");

    // Roll back: Escape dismisses the dialog without changing anything.
    await page.getByRole("button", { name: "Roll back", exact: true }).click();
    await page.getByRole("dialog").waitFor();
    expect(await page.getByRole("dialog").textContent()).toContain("Roll back to version 1?");
    // Focus starts inside the dialog (on the safe choice).
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Cancel");
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "hidden" });
    expect(await page.getByTestId("version-2").getAttribute("data-active")).toBe("true");

    await page.getByRole("button", { name: "Roll back", exact: true }).click();
    await confirmDialog(page, "Roll back");
    await waitForAttr(page, "version-1", "data-active", "true", 30_000);
    expect(await page.getByTestId("version-2").getAttribute("data-active")).toBe("false");

    // Activate the newer version again from its row.
    await row2.getByRole("button", { name: "Activate version 2" }).click();
    await confirmDialog(page, "Activate");
    await waitForAttr(page, "version-2", "data-active", "true", 30_000);
    await tidyForScreenshot(page);
    await maybeScreenshot(page, "models");

    // The version detail and the comparison render their metrics.
    await page.getByRole("link", { name: "v2" }).click();
    await page.getByRole("heading", { name: /^Version 2/ }).waitFor();
    await expectText(page.getByRole("table", { name: "Precision and recall per category" }), "Produce > Fresh fruits");
    await page.locator(".recharts-surface").first().waitFor();
    await tidyForScreenshot(page);
    await maybeScreenshot(page, "model-version");
    await page.goto(`/p/${projectId}/models/compare`);
    await expectText(page.getByTestId("delta-accuracy"), "pp");
    await page.context().close();
  }, 420_000);

  it("settings validate at the field and read the coverage off the active version's curve", async () => {
    const page = await app.newPage();
    await app.login(page, ENGINEER.email, ENGINEER.password);
    await page.goto(`/p/${projectId}/settings`);
    await expectText(page.getByTestId("target-readout"), "98.0%");
    await page.locator(".recharts-surface").first().waitFor();

    // The field says what is wrong as it is typed, and Save stays off until it is fixed.
    await page.getByLabel("Batch size").fill("500");
    await expectText(page.locator("#s-batchSize-error"), "200");
    await expectText(page.getByTestId("settings-invalid"), "Correct the fields");
    expect(await page.getByRole("button", { name: "Save settings" }).isDisabled()).toBe(true);

    await page.getByLabel("Batch size").fill("25");
    await page.getByLabel("Second-opinion rate").fill("0.1");
    // 150 gold items certify a high but not extreme target; the read-off follows the input before saving.
    await page.getByLabel("Precision target", { exact: true }).fill("0.92");
    await expectText(page.getByTestId("target-readout"), "92.0%");
    await expectText(page.getByTestId("target-readout"), "would auto-accept about");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expectText(page.getByText("No unsaved changes."), "No unsaved changes.");
    await page.reload();
    expect(await page.getByLabel("Batch size").inputValue()).toBe("25");
    expect(await page.getByLabel("Precision target", { exact: true }).inputValue()).toBe("0.92");
    expect(await page.getByLabel("Second-opinion rate").inputValue()).toBe("0.1");
    await tidyForScreenshot(page);
    await maybeScreenshot(page, "settings");
    await page.context().close();
  }, 120_000);

  it("an annotator gets the access-denied page for models and settings", async () => {
    const page = await app.newPage();
    await app.login(page, ANNOTATOR.email, ANNOTATOR.password);
    for (const section of ["models", "settings", "models/compare"]) {
      await page.goto(`/p/${projectId}/${section}`);
      await page.getByTestId("access-denied").waitFor();
    }
    // The nav does not offer them either.
    const nav = await page.getByRole("navigation", { name: "Project" }).textContent();
    expect(nav).not.toContain("Models");
    expect(nav).not.toContain("Settings");
    await page.context().close();
  }, 60_000);
});
