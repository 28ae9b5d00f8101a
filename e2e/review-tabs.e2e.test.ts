/**
 * Two tabs of the review page on one project, in one browser: both go offline,
 * both queue decisions, one tab is closed. Each tab keeps its outbox under its
 * own key (one shared key used to lose the closed tab's decisions to the other
 * tab's next save); the tab left open adopts the closed tab's outbox once its
 * lock is free, and every decision is stored exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import superjson from "superjson";
import {
  E2E_SETUP_TIMEOUT_MS,
  e2eEnvironment,
  expectText,
  startApp,
  waitForOtherReviewItem,
  type E2EApp,
} from "./harness";
import { seedReviewProject, type ReviewSeed } from "@/bench/lib/ui-seed";

const ANN = { email: "tabs@example.test", password: "two tabs password", name: "Tess Tabs" };
type Mine = { recent: { annotationId: number; itemId: number; action: string; undone: boolean }[] };

const env = e2eEnvironment();

describe.skipIf(!env.ready)("review page in two tabs", () => {
  let app: E2EApp;
  let seed: ReviewSeed;

  beforeAll(async () => {
    app = await startApp({
      seed: async (s) => {
        seed = await seedReviewProject(s, { annotator: ANN, poolSize: 60 });
      },
    });
  }, E2E_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await app?.stop();
  });

  const currentId = async (page: Page) => {
    const el = page.getByTestId("review-title");
    await el.waitFor();
    return Number(await el.getAttribute("data-item-id"));
  };

  /** Presses a key and waits until another item is on screen. */
  async function decide(page: Page, key: string): Promise<number> {
    const id = await currentId(page);
    await page.keyboard.press(key);
    await waitForOtherReviewItem(page, id);
    return id;
  }

  async function listMine(page: Page): Promise<Mine> {
    const input = encodeURIComponent(
      JSON.stringify(superjson.serialize({ projectId: seed.projectId, limit: 100, tzOffsetMinutes: 0 })),
    );
    const body = await page.evaluate(
      async (url) => (await fetch(url)).text(),
      `/api/trpc/annotations.listMine?input=${input}`,
    );
    const parsed = JSON.parse(body) as { result: { data: Parameters<typeof superjson.deserialize>[0] } };
    return superjson.deserialize<Mine>(parsed.result.data);
  }

  const reviewKeys = (page: Page) =>
    page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("loupe.review.")));

  it("sends the decisions of a tab closed while offline from the other tab, each stored once", async () => {
    const a = await app.newPage();
    await app.login(a, ANN.email, ANN.password);
    const context = a.context();
    await a.goto(`/p/${seed.projectId}/review`);
    await currentId(a);
    await expectText(a.getByTestId("save-state"), "All saved");
    const b = await context.newPage();
    await b.goto(`/p/${seed.projectId}/review`);
    await currentId(b);
    await expectText(b.getByTestId("save-state"), "All saved");

    await context.setOffline(true);
    const fromA: number[] = [];
    for (let i = 0; i < 3; i++) fromA.push(await decide(a, "x"));
    await expectText(a.getByTestId("save-state"), "3 waiting", 30_000);
    // Tab B shows the same leases; what tab A decided leaves it.
    await b.waitForFunction(
      (ids) =>
        !ids.includes(Number(document.querySelector("[data-testid=review-title]")?.getAttribute("data-item-id"))),
      fromA,
    );
    const fromB: number[] = [];
    for (let i = 0; i < 3; i++) fromB.push(await decide(b, "s"));
    await expectText(b.getByTestId("save-state"), "3 waiting", 30_000);
    expect(new Set([...fromA, ...fromB]).size).toBe(6);
    // One key per tab: neither tab's save overwrote the other's outbox.
    expect(await reviewKeys(a)).toHaveLength(2);

    await b.close();
    await context.setOffline(false);
    await a.evaluate(() => window.dispatchEvent(new Event("online")));
    await a.getByText("3 decisions left in a closed tab will be sent from here.").waitFor({ timeout: 30_000 });
    await expectText(a.getByTestId("save-state"), "All saved", 30_000);

    const mine = await listMine(a);
    const stored = mine.recent.filter((r) => !r.undone);
    const perItem = (id: number) => stored.filter((r) => r.itemId === id).map((r) => r.action);
    for (const id of fromA) expect(perItem(id), `item ${id} from tab A`).toEqual(["reject"]);
    for (const id of fromB) expect(perItem(id), `item ${id} from tab B`).toEqual(["skip"]);
    expect(stored).toHaveLength(6);
    // The closed tab's key is gone; the open tab's remains.
    expect(await reviewKeys(a)).toHaveLength(1);
    await context.close();
  });
});
