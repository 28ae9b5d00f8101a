/**
 * Issue 13 on the models pages: compare reads old → new by default (and when
 * the versions are given newest first), so an improvement is a green "+",
 * and each version shows what its labels were used for: train, calibration
 * hold-out and gold, on the list and on the version page. Versions are seeded
 * as rows; nothing trains.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { modelVersions, projects } from "@/db/schema";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, expectText, startApp, type E2EApp } from "./harness";

const ENGINEER = { email: "compare@example.test", password: "ml engineer password 3", name: "Cam Pare" };

const env = e2eEnvironment();

describe.skipIf(!env.ready)("models pages, the first hour (issue 13)", () => {
  let app: E2EApp;
  let projectId = 0;
  const ids = new Map<number, number>();

  beforeAll(async () => {
    app = await startApp({
      seed: async (s) => {
        const user = await s.user(ENGINEER);
        const p = await s.project({ name: "Compare", categories: ["A", "B"] });
        projectId = p.id;
        await s.member(p.id, user.id, "ml_engineer");
        const accuracy = [0.8, 0.82, 0.85];
        const rows = await s.db
          .insert(modelVersions)
          .values(
            accuracy.map((acc, i) => ({
              projectId: p.id,
              version: i + 1,
              trigger: "manual" as const,
              status: "ready" as const,
              labelCount: 896 + i * 10,
              metrics: {
                summary: { accuracy: acc, macroF1: acc - 0.05, ece: 0.05 - i * 0.01, coverageAtTarget: 0.2 + i * 0.1 },
                // v1 was stored before the hold-out had its own count: calibration = hold-out + gold.
                splits:
                  i === 0
                    ? { train: 896, calibration: 358, gold: 200, audits: 3 }
                    : { train: 896 + i * 10, calibration: 360, holdOut: 160, gold: 200, audits: 3, seed: p.id },
              },
            })),
          )
          .returning({ id: modelVersions.id, version: modelVersions.version });
        for (const r of rows) ids.set(r.version, r.id);
        // The newest version is the active one.
        await s.db
          .update(projects)
          .set({ activeModelVersionId: ids.get(3)! })
          .where(eq(projects.id, p.id));
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await app?.stop();
  });

  it("compares the older version to the newer one, so an improvement is a green plus", async () => {
    const page = await app.newPage();
    await app.login(page, ENGINEER.email, ENGINEER.password);
    await page.goto(`/p/${projectId}/models/compare`);
    expect(await page.locator("#cmp-a").inputValue()).toBe(String(ids.get(2)));
    expect(await page.locator("#cmp-b").inputValue()).toBe(String(ids.get(3)));
    await expectText(page.getByTestId("delta-accuracy"), "+3.0 pp");
    expect(await page.getByTestId("delta-accuracy").getAttribute("class")).toContain("text-ok");
    // ECE fell: better, so green too, signed from the older version.
    await expectText(page.getByTestId("delta-ece"), "−0.010");
    expect(await page.getByTestId("delta-ece").getAttribute("class")).toContain("text-ok");

    // Given newest first (a link from the active version's row), it still reads old → new.
    await page.goto(`/p/${projectId}/models/compare?a=${ids.get(3)}&b=${ids.get(1)}`);
    expect(await page.locator("#cmp-a").inputValue()).toBe(String(ids.get(1)));
    await expectText(page.getByRole("heading", { name: "v1 → v3" }), "v1 → v3");
    await expectText(page.getByTestId("delta-accuracy"), "+5.0 pp");
    await page.context().close();
  });

  it("shows train, calibration hold-out and gold counts on the list and the version page", async () => {
    const page = await app.newPage();
    await app.login(page, ENGINEER.email, ENGINEER.password);
    await page.goto(`/p/${projectId}/models`);
    await expectText(page.getByTestId("splits-1"), "896 · 158 · 200");
    await expectText(page.getByTestId("splits-2"), "906 · 160 · 200");
    await page.goto(`/p/${projectId}/models/${ids.get(1)}`);
    await expectText(page.getByTestId("split-counts"), "896 train · 158 calibration hold-out · 200 gold · 3 audits");
    await page.context().close();
  });
});
