/**
 * A project with a long history: 55 versions, the active one (v3) older than
 * the 50 rows the models page loads first. The page still knows which version
 * is active: "Roll back" goes to the ready version before it, every row's
 * "Compare" is against it, and activating a newer one says v3 stops predicting.
 * Versions are seeded as rows; nothing trains.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { modelVersions, projects } from "@/db/schema";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, startApp, type E2EApp } from "./harness";

const ENGINEER = { email: "history@example.test", password: "ml engineer password 2", name: "Hal Story" };

const env = e2eEnvironment();

describe.skipIf(!env.ready)("models page with an old active version", () => {
  let app: E2EApp;
  let projectId = 0;
  const ids = new Map<number, number>();

  beforeAll(async () => {
    app = await startApp({
      seed: async (s) => {
        const user = await s.user(ENGINEER);
        const p = await s.project({ name: "Long history", categories: ["A", "B"] });
        projectId = p.id;
        await s.member(p.id, user.id, "ml_engineer");
        const rows = await s.db
          .insert(modelVersions)
          .values(
            Array.from({ length: 55 }, (_, i) => ({
              projectId: p.id,
              version: i + 1,
              trigger: "manual" as const,
              // v2 failed, so a rollback from v3 goes to v1.
              status: i === 1 ? ("failed" as const) : ("ready" as const),
              metrics: { summary: { accuracy: 0.5 + i / 200, macroF1: 0.5, ece: 0.05, coverageAtTarget: 0.2 } },
            })),
          )
          .returning({ id: modelVersions.id, version: modelVersions.version });
        for (const r of rows) ids.set(r.version, r.id);
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

  it("marks the active version for rollback, compare and activate although it is not on the first page", async () => {
    const page = await app.newPage();
    await app.login(page, ENGINEER.email, ENGINEER.password);
    await page.goto(`/p/${projectId}/models`);
    await page.getByTestId("version-55").waitFor();
    expect(await page.getByTestId("version-3").count()).toBe(0);

    // Every newer ready version compares against the active one.
    const compare = page.getByRole("table").getByRole("link", { name: "Compare", exact: true });
    expect(await compare.count()).toBe(50);
    expect(
      new Set(
        await compare.evaluateAll((links) =>
          links.map((l) => new URL((l as HTMLAnchorElement).href).searchParams.get("a")),
        ),
      ),
    ).toEqual(new Set([String(ids.get(3))]));

    await page.getByRole("button", { name: "Activate version 55" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("Version 3 stops predicting and version 55 takes over").waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();

    await page.getByRole("button", { name: "Roll back", exact: true }).click();
    await page.getByRole("dialog").getByText("Roll back to version 1?").waitFor();
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();

    // Further down, v3 itself is marked.
    await page.getByRole("button", { name: "Show older versions" }).click();
    const v3 = page.getByTestId("version-3");
    await v3.waitFor();
    expect(await v3.getAttribute("data-active")).toBe("true");
    expect(await page.getByRole("button", { name: "Roll back to version 1" }).count()).toBe(1);

    // The compare page's default baseline is the active version.
    await page.goto(`/p/${projectId}/models/compare`);
    expect(await page.locator("#cmp-a").inputValue()).toBe(String(ids.get(3)));
    await page.context().close();
  });
});
