/**
 * The review page in a real browser: an annotator makes 30 decisions with the
 * keyboard only, a reload in the middle loses nothing, an expired session keeps
 * the decision and sends it after logging in again, and hostile titles stay text.
 * The model is seeded as rows (bench/lib/ui-seed.ts), so every suggestion is
 * known here; what was stored is read back through annotations.listMine.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import superjson from "superjson";
import {
  E2E_SETUP_TIMEOUT_MS,
  e2eEnvironment,
  expectText,
  maybeScreenshot,
  startApp,
  waitForOtherReviewItem,
  type E2EApp,
} from "./harness";
import { HOSTILE_TITLE, seedReviewProject, type ReviewSeed } from "@/bench/lib/ui-seed";

const ANN = { email: "rev@example.test", password: "review password 1", name: "Rita Reviewer" };
type Expected = {
  itemId: number;
  title: string;
  action: "accept" | "correct" | "reject" | "skip";
  path: string | null;
};
type Mine = {
  recent: { annotationId: number; itemId: number; action: string; categoryPath: string | null; undone: boolean }[];
};

const env = e2eEnvironment();

describe.skipIf(!env.ready)("review page", () => {
  let app: E2EApp;
  let seed: ReviewSeed;
  let page: Page;
  const dialogs: string[] = [];
  const seenTitles = new Set<string>();

  beforeAll(async () => {
    app = await startApp({
      seed: async (s) => {
        seed = await seedReviewProject(s, { annotator: ANN, poolSize: 80, hostile: true });
      },
    });
    page = await app.newPage();
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await app.login(page, ANN.email, ANN.password);
  }, E2E_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await app?.stop();
  });

  async function title(): Promise<{ id: number; text: string }> {
    const el = page.getByTestId("review-title");
    await el.waitFor();
    const id = Number(await el.getAttribute("data-item-id"));
    const text = (await el.textContent()) ?? "";
    seenTitles.add(text);
    return { id, text };
  }

  /** What the page says (notices), for failure messages. */
  async function notices(): Promise<string> {
    return (await page.getByTestId("review-notices").allTextContents()).join(" | ") || "no notices";
  }

  /** Presses a key and waits until another item is on screen. */
  async function decideWith(key: string): Promise<{ id: number; text: string }> {
    const before = await title();
    await page.keyboard.press(key);
    await waitForOtherReviewItem(page, before.id);
    return before;
  }

  async function listMine(): Promise<Mine> {
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

  async function allSaved(): Promise<void> {
    await page.evaluate(() => window.dispatchEvent(new Event("online")));
    await expectText(page.getByTestId("save-state"), "All saved", 30_000);
  }

  function expectStored(mine: Mine, expected: Expected[]): void {
    const live = mine.recent.filter((r) => !r.undone);
    for (const e of expected) {
      const rows = live.filter((r) => r.itemId === e.itemId);
      expect(
        rows.map((r) => [r.action, r.categoryPath]),
        e.title,
      ).toEqual([[e.action, e.path]]);
    }
  }

  const expected: Expected[] = [];
  const info = (t: string) => {
    const s = seed.items.get(t);
    if (!s) throw new Error(`unknown title ${t}`);
    return s;
  };

  it("makes 30 decisions with the keyboard only, each stored once with its action and category", async () => {
    await page.goto(`/p/${seed.projectId}/review`);
    await title();
    await page.getByTestId("choice-1").waitFor();
    await expectText(page.getByTestId("save-state"), "All saved");
    await maybeScreenshot(page, "review");

    const plan = [
      "Enter",
      "2",
      "Enter",
      "3",
      "/",
      "x",
      "s",
      "Enter",
      "u",
      "Enter",
      ...Array.from({ length: 22 }, (_, i) => (i % 5 === 4 ? "2" : "Enter")),
    ];
    for (let key of plan) {
      if (key === "u") {
        const undone = expected.pop()!;
        const current = await title();
        expect(
          current.id,
          `item ${undone.itemId} was decided but is on screen again before undo (${await notices()})`,
        ).not.toBe(undone.itemId);
        await page.keyboard.press("u");
        await page.waitForFunction(
          (id) => document.querySelector("[data-testid=review-title]")?.getAttribute("data-item-id") === String(id),
          undone.itemId,
        );
        expect((await title()).id).not.toBe(current.id);
        continue;
      }
      if (key === "/") {
        const t = await title();
        const s = info(t.text);
        // A category the model did not suggest, found by a middle path segment.
        const target =
          seed.categories.find(
            (c) => c.path === "Pantry > Sauces > Pesto" && !s.top.some((x) => x.categoryId === c.id),
          ) ?? seed.categories.find((c) => c.path === "Dairy > Cheese > Soft cheese")!;
        await page.keyboard.press("/");
        const box = page.getByRole("combobox", { name: "Search categories" });
        await box.waitFor();
        // Typing letters that are shortcuts elsewhere (s, u, x) must not decide anything.
        await page.keyboard.type(target.path === "Pantry > Sauces > Pesto" ? "sauces pesto" : "soft cheese");
        await page.getByRole("option", { selected: true }).waitFor();
        await expectText(page.getByRole("option", { selected: true }), target.path.split(" > ").pop()!);
        expect((await title()).id).toBe(t.id);
        await maybeScreenshot(page, "review-search");
        await page.keyboard.press("Enter");
        await waitForOtherReviewItem(page, t.id);
        expected.push({ itemId: t.id, title: t.text, action: "correct", path: target.path });
        continue;
      }
      // Digits stay with their category through the session, so which digits this item has, and what
      // they pick, is read off the screen: the planned digit's category if it is an alternative, else another one.
      let digitCategory: number | null = null;
      if (/^[1-9]$/.test(key)) {
        const alternatives = await page
          .locator('[data-testid^="choice-"][data-suggestion="false"]')
          .evaluateAll((els) =>
            els.map((e) => ({
              key: e.getAttribute("data-testid")!.slice(7),
              id: Number(e.getAttribute("data-category-id")),
            })),
          );
        const chosen = alternatives.find((a) => a.key === key) ?? alternatives[0]!;
        key = chosen.key;
        digitCategory = chosen.id;
      }
      const t = await decideWith(key);
      const s = info(t.text);
      if (key === "Enter") expected.push({ itemId: t.id, title: t.text, action: "accept", path: s.top[0]!.path });
      else if (key === "x") expected.push({ itemId: t.id, title: t.text, action: "reject", path: null });
      else if (key === "s") expected.push({ itemId: t.id, title: t.text, action: "skip", path: null });
      else {
        const path = seed.categories.find((c) => c.id === digitCategory)?.path ?? null;
        expected.push({ itemId: t.id, title: t.text, action: "correct", path });
      }
    }
    expect(expected).toHaveLength(30);
    expect(new Set(expected.map((e) => e.itemId)).size).toBe(30);
    await expectText(page.getByTestId("session-done"), "29"); // the skip does not count as work done
    await allSaved();
    const mine = await listMine();
    expectStored(mine, expected);
    expect(mine.recent.filter((r) => !r.undone)).toHaveLength(30);
    // The hostile item is the most uncertain, so it came up: shown as text, nothing ran.
    expect(seenTitles.has(HOSTILE_TITLE)).toBe(true);
    expect(dialogs).toEqual([]);
  });

  it("keeps the outbox and the item on screen across a reload, then sends everything once", async () => {
    // Submits fail as if offline; queue calls still work.
    const submits = (u: URL) => u.pathname.includes("annotations.submit");
    await page.route(submits, (r) => r.abort());
    const batch: Expected[] = [];
    for (let i = 0; i < 3; i++) {
      const t = await decideWith("Enter");
      batch.push({ itemId: t.id, title: t.text, action: "accept", path: info(t.text).top[0]!.path });
    }
    await expectText(page.getByTestId("save-state"), "3 waiting");
    const draft = await title();
    await page.reload();
    expect((await title()).id).toBe(draft.id);
    await expectText(page.getByTestId("save-state"), "3");
    await page.unroute(submits);
    await allSaved();
    expectStored(await listMine(), batch);
    expected.push(...batch);
    // The item from before the reload is still the one to decide.
    expect((await title()).id).toBe(draft.id);
  });

  it("keeps a decision made after the session expired and sends it after logging in again", async () => {
    const cookies = await page.context().cookies();
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    // The session is revoked on the server; the browser still holds the dead cookie.
    const res = await fetch(`${app.baseUrl}/api/trpc/auth.logout`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json", origin: app.baseUrl },
      body: "{}",
    });
    expect(res.status).toBe(200);
    const t = await decideWith("Enter");
    await expectText(page.getByTestId("save-state"), "waiting for login", 20_000);
    await page.getByText("Your session has ended").first().waitFor();
    await maybeScreenshot(page, "review-session-expired");

    const other = await page.context().newPage();
    await app.login(other, ANN.email, ANN.password);
    await other.close();
    await page.bringToFront();
    await allSaved();
    const item = { itemId: t.id, title: t.text, action: "accept" as const, path: info(t.text).top[0]!.path };
    expectStored(await listMine(), [...expected, item]);
    expect(dialogs).toEqual([]);
  });
});
