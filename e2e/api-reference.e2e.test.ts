/**
 * The REST API reference in a real browser: linked from the API tokens page, Scalar
 * renders /api/v1/openapi.json under the pages' strict CSP (nonce, no 'unsafe-eval'),
 * listing the API's operations, with no script refused by the policy.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, expectText, startApp, type E2EApp } from "./harness";

const USER = { email: "reader@example.test", password: "reader password 123", name: "Rita Reader" };
const env = e2eEnvironment();

describe.skipIf(!env.ready)("the API reference in a real browser", () => {
  let app: E2EApp;

  beforeAll(async () => {
    app = await startApp({ seed: async (s) => void (await s.user(USER)) });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await app?.stop();
  });

  it("opens from the tokens page and lists the operations, with nothing blocked by the CSP", async () => {
    const page = await app.newPage();
    const refused: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
    });
    page.on("pageerror", (e) => refused.push(`page error: ${e.message}`));
    await app.login(page, USER.email, USER.password);
    await page.goto("/account/tokens");
    await page.getByRole("link", { name: "REST API reference" }).click();
    await page.waitForURL((u) => u.pathname === "/docs/api");
    const csp = (await page.request.get("/docs/api")).headers()["content-security-policy"] ?? "";
    expect(csp).toContain("'nonce-");
    expect(csp).not.toContain("unsafe-eval");
    await expectText(page.locator("#api-reference"), "Label changes after a cursor", 60_000);
    await expectText(page.locator("#api-reference"), "Upsert up to 1,000 items", 10_000);
    expect(refused).toEqual([]);
  }, 120_000);
});
