/** The manager's dashboard drawn from seeded history; annotators refused from pages beyond their role. */
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { annotations, labels, metricSnapshots, modelVersions, projects } from "@/db/schema";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, expectText, maybeScreenshot, startApp, type E2EApp } from "./harness";

const MANAGER = { email: "mia@example.test", password: "manager password 123", name: "Mia Manager" };
const ANNOTATOR = {
  email: "ann@example.test",
  password: "annotator password 123",
  name: '<img src=x onerror="window.__xss=1">Ann',
};
const env = e2eEnvironment();
const DAY = 86_400_000;
const CHARTS = [
  "accuracy",
  "automation",
  "audited-precision",
  "labels",
  "throughput",
  "cost",
  "annotators",
  "reliability",
  "confusions",
] as const;

describe.skipIf(!env.ready)("dashboard in a real browser", () => {
  let app: E2EApp;
  let projectId = 0;

  beforeAll(async () => {
    app = await startApp({
      seed: async (s) => {
        const manager = await s.user(MANAGER);
        const annotator = await s.user(ANNOTATOR);
        const p = await s.project({
          name: "Catalogue",
          categories: ["Audio > Headphones", "Audio > Speakers", "Computers > Keyboards"],
        });
        projectId = p.id;
        await s.member(p.id, manager.id, "manager");
        await s.member(p.id, annotator.id, "annotator");
        const sources = ["human", "auto", "import"] as const;
        await s.items(
          p.id,
          Array.from({ length: 30 }, (_, i) => ({
            externalId: `i${i}`,
            title: `Item ${i}`,
            label: { category: i % 3, source: sources[i % 3]! },
          })),
        );
        const db = s.db;
        const itemRows = await db.select({ itemId: labels.itemId }).from(labels).where(eq(labels.projectId, p.id));
        const now = Date.now();
        // Labels set over the last five days.
        for (const [i, l] of itemRows.entries()) {
          await db
            .update(labels)
            .set({ updatedAt: new Date(now - (i % 5) * DAY - 3_600_000) })
            .where(eq(labels.itemId, l.itemId));
        }
        const [c1, c2, c3] = p.categoryIds as [number, number, number];
        await db.insert(annotations).values(
          itemRows.slice(0, 18).map((l, i) => ({
            projectId: p.id,
            itemId: l.itemId,
            userId: annotator.id,
            action: i % 4 === 0 ? ("correct" as const) : ("accept" as const),
            categoryId: c1,
            suggestedCategoryId: i % 4 === 0 ? c2 : c1,
            timeSpentMs: 4_000 + i * 500,
            createdAt: new Date(now - (i % 4) * DAY - 7_200_000),
            idempotencyKey: randomBytes(8).toString("hex"),
          })),
        );
        const gold = {
          n: 120,
          accuracy: 0.86,
          ece: 0.04,
          reliability: Array.from({ length: 10 }, (_, b) => ({
            lo: b / 10,
            hi: (b + 1) / 10,
            count: b < 3 ? 0 : 10 + b,
            accuracy: Math.min(1, b / 10 + 0.03),
            confidence: b / 10 + 0.05,
          })),
          confusions: [
            { trueCategoryId: c1, predictedCategoryId: c2, count: 7 },
            { trueCategoryId: c2, predictedCategoryId: c1, count: 4 },
            { trueCategoryId: c3, predictedCategoryId: c1, count: 2 },
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
              finishedAt: new Date(now - 4 * DAY),
              metrics: { summary: { accuracy: 0.78, macroF1: 0.74, ece: 0.08 } },
            },
            {
              projectId: p.id,
              version: 2,
              status: "ready" as const,
              trigger: "labels" as const,
              finishedAt: new Date(now - 2 * DAY),
              metrics: { summary: { accuracy: 0.86, macroF1: 0.83, ece: 0.04 }, gold },
            },
          ])
          .returning({ id: modelVersions.id });
        await db.update(projects).set({ activeModelVersionId: versions[1]!.id }).where(eq(projects.id, p.id));
        await db.insert(metricSnapshots).values(
          [4, 3, 2, 1, 0].map((d, k) => ({
            projectId: p.id,
            kind: "hourly",
            takenAt: new Date(now - d * DAY - 600_000),
            metrics: {
              labelsBySource: { human: 10, auto: 4 + k * 3, import: 10 },
              auditedPrecision: {
                n: 10 + k * 8,
                accepted: 9 + k * 8,
                precision: (9 + k * 8) / (10 + k * 8),
                lower: 0.6 + k * 0.05,
                upper: 0.99,
              },
              model: { version: k < 2 ? 1 : 2 },
            },
          })),
        );
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await app?.stop();
  });

  it("shows a manager every chart drawn with data, and a chart's data as CSV", async () => {
    const page = await app.newPage();
    await app.login(page, MANAGER.email, MANAGER.password);
    await page.goto(`/p/${projectId}/dashboard`);
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    for (const id of CHARTS) {
      const chart = page.getByTestId(`chart-${id}`);
      const marks = chart.locator(".recharts-line-curve, .recharts-bar-rectangle, .recharts-area-area");
      await marks.first().waitFor({ timeout: 15_000 });
      expect(await chart.getAttribute("data-empty"), id).toBeNull();
      expect(await marks.count(), id).toBeGreaterThan(0);
    }
    // Hostile user names render as text.
    await expectText(
      page.getByTestId("chart-annotators").getByRole("table"),
      '<img src=x onerror="window.__xss=1">Ann',
    );
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await expectText(page.getByTestId("dashboard-summary"), "Items categorised");
    await maybeScreenshot(page, "dashboard");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download Labels per day by source as CSV" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^catalogue-30d-labels-by-source\.csv$/);
    const csv = readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "");
    const [header, ...rows] = csv.trim().split("\r\n");
    expect(header).toBe("period_start,human,auto,import");
    const totals = rows
      .map((r) => r.split(",").slice(1).map(Number))
      .reduce((a, r) => a.map((x, i) => x + r[i]!), [0, 0, 0]);
    expect(totals).toEqual([10, 10, 10]);

    // The range picker: the last 7 days still hold everything seeded.
    await page.getByRole("link", { name: "7 days" }).click();
    await page.waitForURL(/range=7d/);
    await page.getByTestId("chart-labels").locator(".recharts-bar-rectangle").first().waitFor();
    await page.context().close();
  });

  it("refuses an annotator the models and admin pages", async () => {
    const page = await app.newPage();
    await app.login(page, ANNOTATOR.email, ANNOTATOR.password);
    for (const path of [`/p/${projectId}/models`, "/admin/users", `/p/${projectId}/dashboard`]) {
      await page.goto(path);
      await expectText(page.getByTestId("access-denied"), "You don't have access to this page");
    }
    await page.context().close();
  });
});
