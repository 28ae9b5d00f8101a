/**
 * "Awaiting audit" in the batch grid marks the audit sample only: at an audit
 * rate of 20%, about a fifth of 100 auto-labelled items carry the badge (every
 * one of them did before), the "Awaiting audit" filter lists exactly those,
 * and an audit served by the queue is one of them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { labels, modelVersions, predictions, projects } from "@/db/schema";
import { DEFAULT_SETTINGS } from "@/server/services/projects";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, expectText, startApp, type E2EApp } from "./harness";

const REVIEWER = { email: "rev-sample@example.test", password: "reviewer password 1", name: "Rita Reviewer" };
const N = 100;
const env = e2eEnvironment();

describe.skipIf(!env.ready)("the audit sample in the batch grid", () => {
  let app: E2EApp;
  let projectId = 0;

  beforeAll(async () => {
    app = await startApp({
      seed: async (s) => {
        const rev = await s.user(REVIEWER);
        const p = await s.project({ name: "Audit sample", categories: ["Produce > Fruit", "Produce > Vegetables"] });
        projectId = p.id;
        await s.member(p.id, rev.id, "reviewer");
        await s.db
          .update(projects)
          .set({ settings: { ...DEFAULT_SETTINGS, evaluationRate: 0, suspectRate: 0, auditRate: 0.2 } })
          .where(eq(projects.id, p.id));
        await s.items(
          p.id,
          Array.from({ length: N }, (_, i) => ({ externalId: `a-${i}`, title: `Auto product ${i}` })),
        );
        const [mv] = await s.db
          .insert(modelVersions)
          .values({ projectId: p.id, version: 1, status: "ready", trigger: "manual", categoryIds: p.categoryIds })
          .returning({ id: modelVersions.id });
        await s.db.update(projects).set({ activeModelVersionId: mv!.id }).where(eq(projects.id, p.id));
        const rows = await s.db.query.items.findMany({ where: (t, { eq: eqOp }) => eqOp(t.projectId, p.id) });
        const cat = p.categoryIds[0]!;
        await s.db.insert(predictions).values(
          rows.map((it) => ({
            modelVersionId: mv!.id,
            itemId: it.id,
            projectId: p.id,
            categoryId: cat,
            confidence: 0.99,
            margin: 0.98,
            entropy: 0.01,
            top: [{ categoryId: cat, prob: 0.99 }],
          })),
        );
        await s.db.insert(labels).values(
          rows.map((it) => ({
            itemId: it.id,
            projectId: p.id,
            categoryId: cat,
            source: "auto" as const,
            modelVersionId: mv!.id,
          })),
        );
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await app?.stop();
  });

  it("badges only the sampled auto labels, and the filter lists the same ones", async () => {
    const page = await app.newPage();
    await app.login(page, REVIEWER.email, REVIEWER.password);
    await page.goto(`/p/${projectId}/batch`);
    const grid = page.getByRole("grid", { name: "Predictions" });
    await grid.waitFor();
    await grid.getByText("Auto product 1", { exact: true }).first().waitFor();
    const badges = await grid.getByText("Awaiting audit", { exact: true }).count();
    // Binomial(100, 0.2): mean 20, sd 4; every auto label carried it when the sample was the whole set.
    expect(badges).toBeGreaterThan(3);
    expect(badges).toBeLessThan(45);

    await page.getByLabel("Reason").selectOption("audit");
    await page.waitForURL(/reason=audit/);
    await expectText(page.getByText(new RegExp(`of ${badges}\\b`)), `of ${badges}`);
    expect(await grid.getByText("Awaiting audit", { exact: true }).count()).toBe(badges);
  });
});
