/** Import from the browser: a bad row is refused with its line and nothing changes; a good file lands and is audited. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, expectText, maybeScreenshot, startApp, type E2EApp } from "./harness";

const ENGINEER = { email: "eli@example.test", password: "engineer password 123", name: "Eli Engineer" };
const MANAGER = { email: "mo@example.test", password: "manager password 123", name: "Mo Manager" };
const env = e2eEnvironment();

const BAD_CSV = [
  "id,title,category,split",
  "a1,USB hub,Computers > Hubs,pool",
  "a2,,Computers > Hubs,pool",
  "a3,Desk lamp,Home > Lighting,pool",
].join("\n");
const GOOD_CSV = [
  "id,title,category,split,brand",
  "a1,USB hub,Computers > Hubs,pool,Anker",
  "a2,Mechanical keyboard,Computers > Keyboards,pool,Keychron",
  "a3,Desk lamp,Home > Lighting,test,IKEA",
].join("\n");

async function statValue(page: Page, label: string): Promise<string> {
  const stat = page.getByTestId("data-counts").locator("div", { has: page.getByText(label, { exact: true }) });
  return ((await stat.locator("dd").first().textContent()) ?? "").trim();
}

/** Polls: after an import the page refreshes its server-rendered counts. */
async function expectStat(page: Page, label: string, value: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    last = await statValue(page, label);
    if (last === value) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`Expected ${label} to be ${value}, last saw ${last}`);
}

async function upload(page: Page, name: string, text: string): Promise<void> {
  await page
    .getByLabel("File", { exact: true })
    .setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(text, "utf8") });
  await page.getByRole("button", { name: "Import", exact: true }).click();
}

describe.skipIf(!env.ready)("data page in a real browser", () => {
  let app: E2EApp;
  let projectId = 0;

  beforeAll(async () => {
    app = await startApp({
      seed: async (s) => {
        const engineer = await s.user(ENGINEER);
        const manager = await s.user(MANAGER);
        const p = await s.project({ name: "Shop", categories: ["Computers > Keyboards"] });
        projectId = p.id;
        await s.member(p.id, engineer.id, "ml_engineer");
        await s.member(p.id, manager.id, "manager");
        await s.items(p.id, [
          { externalId: "seed-1", title: "Existing item", label: { category: 0, source: "import" } },
        ]);
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await app?.stop();
  });

  it("refuses a file with one bad row (line and field shown, project unchanged), then imports a good one", async () => {
    const page = await app.newPage();
    await app.login(page, ENGINEER.email, ENGINEER.password);
    await page.goto(`/p/${projectId}/data`);
    await page.getByRole("heading", { name: "Data" }).waitFor();
    const before = {
      pool: await statValue(page, "Pool items"),
      categories: await statValue(page, "Categories"),
      imported: await statValue(page, "Imported labels"),
    };
    expect(before).toEqual({ pool: "1", categories: "1", imported: "1" });

    await upload(page, "bad.csv", BAD_CSV);
    const report = page.getByTestId("import-rejected");
    await expectText(report, "nothing was written");
    const row = report.getByRole("row").filter({ hasText: "title" });
    await expectText(row, "3"); // header is line 1: the empty title is on line 3
    await expectText(row, "required");
    // The refusal is logged in the history (with why), without a reload.
    await expectText(page.getByRole("table", { name: "Import history" }), "Refused");
    await maybeScreenshot(page, "data");
    await page.reload();
    expect({
      pool: await statValue(page, "Pool items"),
      categories: await statValue(page, "Categories"),
      imported: await statValue(page, "Imported labels"),
    }).toEqual(before);

    await upload(page, "good.csv", GOOD_CSV);
    await expectText(page.getByRole("status").filter({ hasText: "Imported 3 rows" }), "3 items created");
    await expectStat(page, "Pool items", "3");
    await expectStat(page, "Test items (gold)", "1");
    await expectStat(page, "Categories", "3");
    await expectStat(page, "Imported labels", "4");
    await expectText(page.getByRole("table", { name: "Import history" }), "good.csv");
    await page.context().close();
  });

  it("shows the import in the audit log, filterable by action", async () => {
    const page = await app.newPage();
    await app.login(page, MANAGER.email, MANAGER.password);
    await page.goto(`/p/${projectId}/audit`);
    const table = page.getByRole("table", { name: "Audit events" });
    await expectText(table, "data.import");
    await expectText(table, "filename: good.csv");
    await expectText(table, ENGINEER.name);
    await page.getByLabel("Action").selectOption("data.import");
    await page.waitForURL(/action=data\.import/);
    await expectText(table, "created: 3");
    await maybeScreenshot(page, "audit");
    // A manager exports but does not import.
    await page.goto(`/p/${projectId}/data`);
    await page.getByRole("button", { name: "Download CSV" }).waitFor();
    expect(await page.getByRole("button", { name: "Import", exact: true }).count()).toBe(0);
    await page.context().close();
  });
});
