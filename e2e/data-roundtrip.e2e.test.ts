/**
 * CSV export → re-import in the browser: the quote the export put before a formula-like title comes off again,
 * a title that really starts with a quote keeps it, and an unclosed quote is reported at the line it opened on.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, expectText, startApp, type E2EApp } from "./harness";

const ENGINEER = { email: "eli@example.test", password: "engineer password 123", name: "Eli Engineer" };
const env = e2eEnvironment();

const SOURCE_CSV = [
  "id,title,category,split",
  'n1,"+SUM(1,2) Spiral Notebook",Office > Notebooks,pool',
  "n2,'+1 already quoted,Office > Notebooks,pool",
  "n3,Plain pen,Office > Pens,pool",
].join("\n");
const UNCLOSED_CSV = ["id,title", "a1,USB hub", 'a2,"Desk lamp', "a3,Keyboard", "a4,Mouse"].join("\n");

async function upload(page: Page, name: string, text: string | Buffer): Promise<void> {
  await page
    .getByLabel("File", { exact: true })
    .setInputFiles({ name, mimeType: "text/csv", buffer: typeof text === "string" ? Buffer.from(text, "utf8") : text });
  await page.getByRole("button", { name: "Import", exact: true }).click();
}

describe.skipIf(!env.ready)("CSV round trip in a real browser", () => {
  let app: E2EApp;
  let source = 0;
  let target = 0;

  beforeAll(async () => {
    app = await startApp({
      seed: async (s) => {
        const engineer = await s.user(ENGINEER);
        source = (await s.project({ name: "Source shop" })).id;
        target = (await s.project({ name: "Target shop" })).id;
        await s.member(source, engineer.id, "ml_engineer");
        await s.member(target, engineer.id, "ml_engineer");
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await app?.stop();
  });

  it("re-imports its own export unchanged and reports an unclosed quote where it opened", async () => {
    const page = await app.newPage();
    await app.login(page, ENGINEER.email, ENGINEER.password);
    await page.goto(`/p/${source}/data`);
    await upload(page, "source.csv", SOURCE_CSV);
    await expectText(page.getByRole("status").filter({ hasText: "Imported 3 rows" }), "3 items created");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    const exported = readFileSync((await download.path())!);
    // Still safe to open in a spreadsheet: the formula-like title is quoted in the file.
    expect(exported.toString("utf8")).toContain(`"'+SUM(1,2) Spiral Notebook"`);

    await page.goto(`/p/${target}/data`);
    await upload(page, "source-labels.csv", exported);
    await expectText(page.getByRole("status").filter({ hasText: "Imported 3 rows" }), "3 items created");
    await page.goto(`/p/${target}`);
    const table = page.getByRole("table", { name: "Items" });
    await expectText(table, "Spiral Notebook");
    const text = (await table.textContent()) ?? "";
    expect(text).toContain("+SUM(1,2) Spiral Notebook");
    expect(text).not.toContain("'+SUM(1,2)");
    expect(text).toContain("'+1 already quoted");

    await page.goto(`/p/${target}/data`);
    await upload(page, "unclosed.csv", UNCLOSED_CSV);
    const report = page.getByTestId("import-rejected");
    await expectText(report, "nothing was written");
    const row = report.getByRole("row").filter({ hasText: "quoted field" });
    expect(((await row.getByRole("cell").first().textContent()) ?? "").trim()).toBe("3");
    await page.context().close();
  });
});
