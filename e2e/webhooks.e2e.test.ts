/**
 * Webhooks in a real browser: a project admin adds a webhook on the settings page
 * (the secret is shown once), a model activation is delivered to a local receiver
 * that fails twice before answering, and the delivery log shows the three attempts.
 * The receiver checks every signature with the `standardwebhooks` library.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelVersions } from "@/db/schema";
import { startReceiver, type Receiver } from "@/test/webhook-receiver";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, expectText, startApp, type E2EApp } from "./harness";

const ADMIN = { email: "hooks-admin@example.test", password: "hooks admin password 123", name: "Hana Hooks" };
const env = e2eEnvironment();

describe.skipIf(!env.ready)("webhooks in a real browser", () => {
  let app: E2EApp;
  let r: Receiver;
  let projectId = 0;
  let versionId = 0;

  beforeAll(async () => {
    r = await startReceiver();
    app = await startApp({
      // The receiver is on 127.0.0.1: private targets allowed, as in every test; retries fast.
      env: { LOUPE_WORKER: "inline", LOUPE_WEBHOOKS_ALLOW_PRIVATE: "true", LOUPE_WEBHOOK_RETRY_BASE_MS: "300" },
      seed: async (s) => {
        const user = await s.user(ADMIN);
        projectId = (await s.project({ name: "Hooked catalogue", categories: ["Dairy", "Bakery"] })).id;
        await s.member(projectId, user.id, "admin");
        // A ready version to activate (no items: activation plans no scoring).
        const [v] = await s.db
          .insert(modelVersions)
          .values({ projectId, version: 1, status: "ready", trigger: "manual" })
          .returning({ id: modelVersions.id });
        versionId = v?.id ?? 0;
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await app?.stop();
    await r?.close();
  });

  it("an admin adds a webhook and the delivery log shows a delivery's attempts", async () => {
    const page = await app.newPage();
    await app.login(page, ADMIN.email, ADMIN.password);
    await page.goto(`/p/${projectId}/settings`);
    await page.getByRole("heading", { name: "Webhooks" }).waitFor();
    await page.getByLabel("Receiver URL").fill(r.url("/pim"));
    await page.getByRole("checkbox", { name: /model\.activated/ }).check();
    await page.getByRole("button", { name: "Add webhook" }).click();
    const secret = (await page.getByTestId("webhook-secret").textContent())?.trim() ?? "";
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{44}$/);
    r.trust("/pim", secret);
    r.on("/pim", { failTimes: 2 });
    const row = page.getByRole("row", { name: new RegExp(r.url("/pim").replace(/[.]/g, "\\.")) });
    await row.waitFor();
    expect(await row.textContent()).not.toContain(secret);

    // Activate the version from the page itself (same origin, the admin's session).
    const status = await page.evaluate(
      async ([p, v]) =>
        (
          await fetch("/api/trpc/models.activate", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ json: { projectId: p, versionId: v } }),
          })
        ).status,
      [projectId, versionId],
    );
    expect(status).toBe(200);

    await page.getByRole("button", { name: "Refresh the delivery log" }).click();
    const log = page.getByRole("table", { name: "Webhook deliveries" });
    const delivery = log.getByRole("row", { name: /model\.activated/ });
    await delivery.waitFor({ timeout: 30_000 });
    // The log refreshes itself while the delivery is pending: fail, fail, then succeeded on the third.
    await expectText(delivery, "succeeded", 60_000);
    expect(await delivery.getByTestId("delivery-attempts").textContent()).toBe("3");
    await expectText(delivery, "200");
    const got = r.at("/pim");
    expect(got.map((m) => m.answered)).toEqual([503, 503, 200]);
    expect(got.every((m) => m.verified?.type === "model.activated")).toBe(true);

    // Resend: a fourth request with the same message id.
    await delivery.getByRole("button", { name: "Resend" }).click();
    await expectText(delivery, "succeeded", 30_000);
    await expect.poll(() => r.at("/pim").length, { timeout: 30_000 }).toBe(4);
    expect(new Set(r.at("/pim").map((m) => m.id)).size).toBe(1);
    await page.context().close();
  });
});
