/**
 * What the dashboard's figures say when read by a person: no hydration error on load, axes with
 * distinct tick labels at tiny costs, the accuracy axis zoomed to the versions' range, confusion
 * labels inside the chart, a unit on human time, and an audit made after the last metric snapshot.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { annotations, labels, metricSnapshots, modelVersions, projects } from "@/db/schema";
import { DEFAULT_SETTINGS } from "@/server/services/projects";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, expectText, startApp, type E2EApp } from "./harness";

const MANAGER = { email: "mgr@example.test", password: "manager password 123", name: "Max Manager" };
const ANNOTATOR = { email: "ann@example.test", password: "annotator password 123", name: "Ann Otator" };
const env = e2eEnvironment();
const DAY = 86_400_000;
const LONG = [
  "Home and kitchen > Kitchen storage and organisation > Food storage containers",
  "Home and kitchen > Kitchen storage and organisation > Lunch boxes and bento",
  "Office products > Paper products > Notebooks and writing pads",
];

describe.skipIf(!env.ready)("dashboard readings in a real browser", () => {
  let app: E2EApp;
  let projectId = 0;

  beforeAll(async () => {
    app = await startApp({
      seed: async (s) => {
        const manager = await s.user(MANAGER);
        const annotator = await s.user(ANNOTATOR);
        const p = await s.project({ name: "Readings", categories: LONG });
        projectId = p.id;
        // A cheap hour: the cost per item is a fraction of a cent.
        await s.db
          .update(projects)
          .set({ settings: { ...DEFAULT_SETTINGS, evaluationRate: 0, suspectRate: 0, hourlyCost: 0.3 } })
          .where(eq(projects.id, p.id));
        await s.member(p.id, manager.id, "manager");
        await s.member(p.id, annotator.id, "annotator");
        await s.items(
          p.id,
          Array.from({ length: 40 }, (_, i) => ({
            externalId: `i${i}`,
            title: `Item ${i}`,
            label: { category: i % 3, source: i % 2 ? ("auto" as const) : ("human" as const) },
          })),
        );
        const db = s.db;
        const now = Date.now();
        const itemRows = await db.select({ itemId: labels.itemId }).from(labels).where(eq(labels.projectId, p.id));
        for (const [i, l] of itemRows.entries())
          await db
            .update(labels)
            .set({ updatedAt: new Date(now - (i % 4) * DAY - 3_600_000) })
            .where(eq(labels.itemId, l.itemId));
        const [c1, c2, c3] = p.categoryIds as [number, number, number];
        const gold = {
          n: 200,
          accuracy: 0.93,
          ece: 0.03,
          reliability: [],
          confusions: [
            { trueCategoryId: c1, predictedCategoryId: c2, count: 6 },
            { trueCategoryId: c3, predictedCategoryId: c1, count: 3 },
          ],
        };
        const versions = await db
          .insert(modelVersions)
          .values([
            {
              projectId: p.id,
              version: 1,
              status: "ready" as const,
              trigger: "initial" as const,
              finishedAt: new Date(now - 3 * DAY),
              metrics: { summary: { accuracy: 0.912, macroF1: 0.9, ece: 0.05 } },
            },
            {
              projectId: p.id,
              version: 2,
              status: "ready" as const,
              trigger: "labels" as const,
              finishedAt: new Date(now - 2 * DAY),
              metrics: { summary: { accuracy: 0.93, macroF1: 0.92, ece: 0.03 }, gold },
            },
          ])
          .returning({ id: modelVersions.id });
        const active = versions[1]!.id;
        await db.update(projects).set({ activeModelVersionId: active }).where(eq(projects.id, p.id));
        // The last snapshot was taken before any audit.
        await db.insert(metricSnapshots).values({
          projectId: p.id,
          kind: "training",
          takenAt: new Date(now - 2 * DAY),
          metrics: { labelsBySource: { human: 20, auto: 20, import: 0 }, auditedPrecision: null },
        });
        await db.insert(annotations).values([
          ...itemRows.slice(0, 12).map((l, i) => ({
            projectId: p.id,
            itemId: l.itemId,
            userId: annotator.id,
            action: "accept" as const,
            categoryId: c1,
            suggestedCategoryId: c1,
            timeSpentMs: 3_000 + i * 200,
            createdAt: new Date(now - (i % 4) * DAY - 7_200_000),
            idempotencyKey: randomBytes(8).toString("hex"),
          })),
          {
            projectId: p.id,
            itemId: itemRows[13]!.itemId,
            userId: annotator.id,
            action: "accept" as const,
            categoryId: c2,
            suggestedCategoryId: c2,
            modelVersionId: active,
            reason: "audit" as const,
            timeSpentMs: 2_500,
            createdAt: new Date(now - 600_000),
            idempotencyKey: randomBytes(8).toString("hex"),
          },
        ]);
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await app?.stop();
  });

  it("loads without console errors and reads correctly", async () => {
    const page = await app.newPage();
    await page.setViewportSize({ width: 1400, height: 1000 });
    const errors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    await app.login(page, MANAGER.email, MANAGER.password);
    await page.goto(`/p/${projectId}/dashboard`);
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    const accuracy = page.getByTestId("chart-accuracy");
    await accuracy.locator(".recharts-line-curve").first().waitFor({ timeout: 15_000 });
    await page.getByTestId("chart-confusions").locator(".recharts-bar-rectangle").first().waitFor();
    await page.getByTestId("chart-cost").locator(".recharts-bar-rectangle").first().waitFor();
    // Hydration errors are reported after the first paint.
    await page.waitForTimeout(1_000);
    expect(errors).toEqual([]);

    // The card gives human time a unit, and the audit made after the last snapshot counts.
    const summary = page.getByTestId("dashboard-summary");
    await expectText(summary, "of human time");
    const costHint = await summary.locator("div", { hasText: "Cost per item" }).last().textContent();
    expect(costHint).toMatch(/\d+(\.\d+)? (min|h) of human time/);
    const audited = await summary.locator("div", { hasText: "Audited precision" }).last().textContent();
    expect(audited).not.toContain("no audits yet");
    expect(audited).toContain("100.0%");
    expect(audited).toMatch(/\b1 audit\b/);

    // Every tick of the cost axis (the left one) says something different. Recharts draws tick labels in a layer
    // of their own, one group per axis.
    const costTicks = await page
      .getByTestId("chart-cost")
      .locator(".recharts-yAxis-tick-labels")
      .evaluateAll((groups) => {
        const left = [...groups].sort((a, b) => a.getBoundingClientRect().x - b.getBoundingClientRect().x)[0];
        return left ? [...left.querySelectorAll("text")].map((t) => t.textContent ?? "") : [];
      });
    expect(costTicks.length).toBeGreaterThan(1);
    expect(new Set(costTicks).size).toBe(costTicks.length);

    // 91–93% is not drawn on a 0–100% axis.
    const accTicks = await accuracy.locator(".recharts-yAxis-tick-labels text").allTextContents();
    expect(accTicks).not.toContain("0%");
    expect(accTicks.some((t) => /^(8\d|9\d)/.test(t))).toBe(true);

    // Confusion labels stay inside the chart.
    const confusions = page.getByTestId("chart-confusions");
    const box = (await confusions.locator(".recharts-surface").first().boundingBox())!;
    const ticks = confusions.locator(".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-label");
    expect(await ticks.count()).toBe(2);
    for (let i = 0; i < (await ticks.count()); i++) {
      const t = (await ticks.nth(i).boundingBox())!;
      expect(t.x, (await ticks.nth(i).textContent()) ?? "").toBeGreaterThanOrEqual(box.x - 1);
    }
    await page.context().close();
  });
});
