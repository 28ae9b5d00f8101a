/**
 * Issue 13, the first hour on the review page: the version number is the
 * version's, the "why this item" badge and the header say what the project's
 * strategy really does, "to review" leaves out labelled items, an empty
 * project says so, audits are blind unless the project reveals them, digits
 * stay with their category, the last decision and its undo are spelled out,
 * the action bar stays on a 900 px screen and a fast annotator never waits.
 * Models and predictions are seeded as rows (nothing trains).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page, Response } from "playwright-core";
import superjson from "superjson";
import { eq } from "drizzle-orm";
import { items, labels, modelVersions, predictions, projects, type ProjectSettings } from "@/db/schema";
import { DEFAULT_SETTINGS } from "@/server/services/projects";
import { E2E_SETUP_TIMEOUT_MS, e2eEnvironment, expectText, startApp, type E2EApp, type SeedApi } from "./harness";

const ANN = { email: "first-hour@example.test", password: "first hour password 1", name: "Fay Hour" };
const ENG = { email: "audit-setting@example.test", password: "first hour password 2", name: "Ed Setting" };
const CATS = [
  "Produce > Apples",
  "Produce > Citrus",
  "Produce > Berries",
  "Dairy > Milk",
  "Dairy > Yogurt",
  "Bakery > Bread",
  "Snacks > Chips",
  "Snacks > Nuts",
  "Beverages > Tea",
  "Beverages > Coffee",
];
const NINE = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const LONG_DESCRIPTION = Array.from(
  { length: 12 },
  (_, i) => `Line ${i + 1} of a long supplier description: ingredients, allergens, storage and origin.`,
).join("\n");

type SeedItem = {
  externalId: string;
  title: string;
  description?: string;
  /** Category index and probability, best first as the model ranks them. */
  top: [number, number][];
  label?: { category: number; source: "auto" | "human" };
};

/** A project with an active version 2 (whose row id is not 2) and the given items scored by it. */
async function seedScored(
  s: SeedApi,
  userId: number,
  o: { name: string; settings: Partial<ProjectSettings>; rows: SeedItem[] },
): Promise<{ projectId: number; cats: number[]; ids: Map<string, number> }> {
  const p = await s.project({ name: o.name, categories: CATS });
  await s.member(p.id, userId, "annotator");
  const settings = { ...DEFAULT_SETTINGS, auditRate: 0, evaluationRate: 0, suspectRate: 0, diversity: false };
  await s.db
    .update(projects)
    .set({ settings: { ...settings, ...o.settings } })
    .where(eq(projects.id, p.id));
  const [, v2] = await s.db
    .insert(modelVersions)
    .values(
      [1, 2].map((version) => ({
        projectId: p.id,
        version,
        status: "ready" as const,
        trigger: "manual" as const,
        categoryIds: p.categoryIds,
        finishedAt: new Date(),
      })),
    )
    .returning({ id: modelVersions.id });
  await s.db.update(projects).set({ activeModelVersionId: v2!.id }).where(eq(projects.id, p.id));
  const inserted = await s.db
    .insert(items)
    .values(
      o.rows.map((r) => ({ projectId: p.id, externalId: r.externalId, title: r.title, description: r.description })),
    )
    .returning({ id: items.id, externalId: items.externalId });
  const ids = new Map(inserted.map((r) => [r.externalId, r.id]));
  const cat = (i: number) => p.categoryIds[i]!;
  await s.db.insert(predictions).values(
    o.rows.map((r) => {
      const [p1, p2] = [r.top[0]![1], r.top[1]?.[1] ?? 0];
      return {
        modelVersionId: v2!.id,
        itemId: ids.get(r.externalId)!,
        projectId: p.id,
        categoryId: cat(r.top[0]![0]),
        confidence: p1,
        margin: p1 - p2,
        entropy: -r.top.reduce((acc, [, q]) => acc + q * Math.log(q), 0),
        top: r.top.map(([c, prob]) => ({ categoryId: cat(c), prob })),
      };
    }),
  );
  const labelled = o.rows.filter((r) => r.label);
  if (labelled.length)
    await s.db.insert(labels).values(
      labelled.map((r) => ({
        itemId: ids.get(r.externalId)!,
        projectId: p.id,
        categoryId: cat(r.label!.category),
        source: r.label!.source,
        confidence: r.label!.source === "auto" ? 0.99 : null,
        modelVersionId: r.label!.source === "auto" ? v2!.id : null,
      })),
    );
  return { projectId: p.id, cats: p.categoryIds, ids };
}

/** Nine categories, the first two close: `a` then `b` lead, the rest trail. */
const nine = (a: number, b: number, pa: number, pb: number): [number, number][] => [
  [a, pa],
  [b, pb],
  ...NINE.filter((c) => c !== a && c !== b)
    .slice(0, 7)
    .map((c, i): [number, number] => [c, 0.02 - i * 0.001]),
];

const env = e2eEnvironment();

describe.skipIf(!env.ready)("review page, the first hour (issue 13)", () => {
  let app: E2EApp;
  let page: Page;
  let grocery: Awaited<ReturnType<typeof seedScored>>;
  let randomId = 0;
  let emptyId = 0;
  let blind: Awaited<ReturnType<typeof seedScored>>;
  let revealed: Awaited<ReturnType<typeof seedScored>>;
  let toggledId = 0;

  beforeAll(async () => {
    app = await startApp({
      seed: async (s) => {
        const ann = await s.user(ANN);
        // Versions of another project first, so this project's row ids differ from its version numbers.
        const other = await s.project({ name: "Other", categories: ["X", "Y"] });
        await s.db.insert(modelVersions).values(
          [1, 2, 3].map((version) => ({
            projectId: other.id,
            version,
            status: "ready" as const,
            trigger: "manual" as const,
          })),
        );
        grocery = await seedScored(s, ann.id, {
          name: "Grocery",
          settings: { strategy: "margin" },
          rows: [
            // The two most uncertain: the same nine categories, the top two swapped.
            {
              externalId: "x1",
              title: "Crisp apple mix",
              description: LONG_DESCRIPTION,
              top: nine(0, 1, 0.402, 0.398),
            },
            { externalId: "x2", title: "Citrus and apple box", top: nine(1, 0, 0.4025, 0.3975) },
            ...Array.from({ length: 80 }, (_, i) => ({
              externalId: `u${i}`,
              title: `Unlabelled product ${i}`,
              top: [
                [i % 10, 0.5 + i / 400],
                [(i + 1) % 10, 0.3],
              ] as [number, number][],
            })),
            // Auto-labelled: confident, so ranked last; labelled items are not "to review".
            ...Array.from({ length: 10 }, (_, i) => ({
              externalId: `a${i}`,
              title: `Auto-labelled product ${i}`,
              top: [
                [3, 0.99],
                [4, 0.005],
              ] as [number, number][],
              label: { category: 3, source: "auto" as const },
            })),
          ],
        });
        randomId = (
          await seedScored(s, ann.id, {
            name: "Random order",
            settings: { strategy: "random" },
            rows: Array.from({ length: 5 }, (_, i) => ({
              externalId: `r${i}`,
              title: `Random item ${i}`,
              top: [
                [0, 0.6],
                [1, 0.3],
              ] as [number, number][],
            })),
          })
        ).projectId;
        const empty = await s.project({ name: "Empty", categories: CATS });
        await s.member(empty.id, ann.id, "annotator");
        emptyId = empty.id;
        const auditRows: SeedItem[] = [
          {
            externalId: "m",
            title: "Audited milk",
            top: [
              [3, 0.97],
              [4, 0.02],
            ],
            label: { category: 3, source: "auto" },
          },
          // A newer model ranks another category first: the audited label is still what Enter confirms.
          {
            externalId: "n",
            title: "Audited citrus",
            top: [
              [2, 0.6],
              [1, 0.3],
            ],
            label: { category: 1, source: "auto" },
          },
        ];
        blind = await seedScored(s, ann.id, { name: "Blind audits", settings: { auditRate: 1 }, rows: auditRows });
        revealed = await seedScored(s, ann.id, {
          name: "Revealed audits",
          settings: { auditRate: 1, revealAuditSource: true },
          rows: auditRows,
        });
        const eng = await s.user(ENG);
        const toggled = await seedScored(s, ann.id, {
          name: "Toggled audits",
          settings: { auditRate: 1 },
          rows: auditRows,
        });
        await s.member(toggled.projectId, eng.id, "ml_engineer");
        toggledId = toggled.projectId;
      },
    });
    page = await app.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await app.login(page, ANN.email, ANN.password);
  }, E2E_SETUP_TIMEOUT_MS);

  afterAll(async () => {
    await app?.stop();
  });

  async function api<T>(procedure: string, input: unknown): Promise<T> {
    const q = encodeURIComponent(JSON.stringify(superjson.serialize(input)));
    const body = await page.evaluate(async (url) => (await fetch(url)).text(), `/api/trpc/${procedure}?input=${q}`);
    const parsed = JSON.parse(body) as { result: { data: Parameters<typeof superjson.deserialize>[0] } };
    return superjson.deserialize<T>(parsed.result.data);
  }

  const shownId = async () => Number(await page.getByTestId("review-title").getAttribute("data-item-id"));
  /** The category a digit picks, read off the row's text (its leaf name). */
  const choiceCategory = async (key: string) => {
    const text = (await page.getByTestId(`choice-${key}`).textContent()) ?? "";
    const i = CATS.findIndex((c) => text.includes(c.split(" > ").pop()!));
    return i < 0 ? null : grocery.cats[i];
  };

  it("names the active version by its number on review and overview, and explains the pick in points", async () => {
    await page.goto(`/p/${grocery.projectId}/review`);
    await page.getByTestId("review-title").waitFor();
    expect(await shownId()).toBe(grocery.ids.get("x1"));
    await expectText(page.getByText("Calibrated probabilities from model"), "model v2");
    // Margin 0.004: two decimals said "margin 0.00" on every uncertain item.
    await expectText(page.getByText(/^Uncertain:/), "Uncertain: top two 0.4 points apart");
    await expectText(page.getByRole("heading", { name: "Review" }).locator(".."), "top two categories are closest");
    await page.goto(`/p/${grocery.projectId}`);
    await expectText(page.getByText(/Active model:/), "Active model: v2.");
  });

  it("counts only unlabelled items as to review (auto labels are not work left)", async () => {
    await page.goto(`/p/${grocery.projectId}/review`);
    await page.getByTestId("review-title").waitFor();
    await page.waitForFunction(
      () => Number(document.querySelector("[data-testid=buffer-size]")?.getAttribute("data-loaded")) >= 20,
    );
    const stats = await api<{ remaining: number; mine: number }>("queue.stats", {
      projectId: grocery.projectId,
      tzOffsetMinutes: 0,
    });
    expect(stats.remaining + stats.mine).toBe(82);
    // The header refreshes its count every 30 s: the next refresh sees the leases held now.
    await expectText(page.getByTestId("session-progress"), `${stats.remaining} to review`, 45_000);
  });

  it("keeps each category on its digit from item to item, and says what the last decision and its undo did", async () => {
    await page.goto(`/p/${grocery.projectId}/review`);
    await page.getByTestId("choice-9").waitFor();
    expect(await shownId()).toBe(grocery.ids.get("x1"));
    const firstDigits = await Promise.all(NINE.map((i) => choiceCategory(String(i + 1))));
    expect(firstDigits[0]).toBe(grocery.cats[0]);
    // Nine options and a long description: the action bar is still on the 900 px screen.
    const bar = await page.getByRole("group", { name: "Decision" }).boundingBox();
    expect(bar).not.toBeNull();
    expect(bar!.y + bar!.height).toBeLessThanOrEqual(900);
    expect(bar!.y).toBeGreaterThanOrEqual(0);

    await page.keyboard.press("s");
    await page.waitForFunction(
      (id) => document.querySelector("[data-testid=review-title]")?.getAttribute("data-item-id") === String(id),
      grocery.ids.get("x2"),
    );
    await expectText(page.getByTestId("last-decision"), "Last: Skipped (u to undo)");
    // x2 ranks Citrus first, but Apples keeps digit 1 and every category its digit.
    const secondDigits = await Promise.all(NINE.map((i) => choiceCategory(String(i + 1))));
    expect(secondDigits).toEqual(firstDigits);

    await page.keyboard.press("Enter");
    await expectText(page.getByTestId("last-decision"), "Last: Accepted Citrus (u to undo)");
    await page.keyboard.press("u");
    await expectText(page.getByTestId("last-decision"), "Undid: Accepted Citrus on “Citrus and apple box”");
    expect(await shownId()).toBe(grocery.ids.get("x2"));
  });

  it("keeps enough items loaded that fifteen rapid skips never wait for the network", async () => {
    await page.goto(`/p/${grocery.projectId}/review`);
    await page.getByTestId("review-title").waitFor();
    await page.waitForFunction(
      () => Number(document.querySelector("[data-testid=buffer-size]")?.getAttribute("data-loaded")) >= 20,
    );
    await page.evaluate(() => {
      const w = window as unknown as { emptied: boolean };
      w.emptied = false;
      new MutationObserver(() => {
        if (!document.querySelector("[data-testid=review-title]")) w.emptied = true;
      }).observe(document.body, { childList: true, subtree: true });
    });
    const seen = new Set<number>();
    for (let i = 0; i < 15; i++) {
      seen.add(await shownId());
      await page.keyboard.press("s");
    }
    seen.add(await shownId());
    expect(seen.size).toBe(16);
    expect(await page.evaluate(() => (window as unknown as { emptied: boolean }).emptied)).toBe(false);
  });

  it("describes the random strategy as random, and an empty project as empty", async () => {
    await page.goto(`/p/${randomId}/review`);
    await page.getByTestId("review-title").waitFor();
    const header = page.getByRole("heading", { name: "Review" }).locator("..");
    await expectText(header, "random order");
    expect(await header.textContent()).not.toContain("uncertain");
    await page.goto(`/p/${emptyId}/review`);
    await expectText(page.getByText("No items to review yet"), "No items to review yet");
    expect(await page.getByText("Every pool item has a label").count()).toBe(0);
  });

  it("shows an audit like any other item, without sending that the model decided it; Enter confirms the label", async () => {
    const bodies: Promise<string>[] = [];
    const listen = (r: Response) => {
      if (r.url().includes("queue.next")) bodies.push(r.text());
    };
    page.on("response", listen);
    await page.goto(`/p/${blind.projectId}/review`);
    for (let i = 0; i < 2; i++) {
      await page.getByTestId("review-title").waitFor();
      const id = await shownId();
      expect(await page.getByText("Audit of an auto-accept").count()).toBe(0);
      expect(await page.getByText(/labelled this item automatically/).count()).toBe(0);
      expect(await page.getByText("Current label").count()).toBe(0);
      // The audited label is the suggestion, so Enter confirms it.
      const label = id === blind.ids.get("m") ? blind.cats[3] : blind.cats[1];
      const suggestion = page.locator('[data-testid^="choice-"][data-suggestion="true"]');
      expect(await suggestion.getAttribute("data-category-id")).toBe(String(label));
      await page.keyboard.press("Enter");
      if (i === 0)
        await page.waitForFunction(
          (before) =>
            document.querySelector("[data-testid=review-title]")?.getAttribute("data-item-id") !== String(before),
          id,
        );
    }
    await expectText(page.getByText("Nothing left to review"), "Nothing left");
    page.off("response", listen);
    type Sent = {
      items: { item: { title: string }; pick: { reason: string }; currentLabel: unknown; history: unknown[] }[];
    };
    const sent = (await Promise.all(bodies)).flatMap((b) => {
      const parsed = JSON.parse(b) as { result: { data: Parameters<typeof superjson.deserialize>[0] } };
      return superjson.deserialize<Sent>(parsed.result.data).items;
    });
    expect(sent.map((x) => x.item.title).sort()).toEqual(["Audited citrus", "Audited milk"]);
    for (const x of sent) {
      expect(x.pick.reason).not.toBe("audit");
      expect(x.currentLabel).toBeNull();
      expect(x.history).toEqual([]);
    }
    await expectText(page.getByTestId("save-state"), "All saved", 30_000);
    const mine = await api<{
      recent: { itemId: number; action: string; categoryPath: string | null; reason?: string }[];
    }>("annotations.listMine", { projectId: blind.projectId, limit: 10, tzOffsetMinutes: 0 });
    expect(mine.recent.map((r) => [r.itemId, r.action, r.categoryPath]).sort()).toEqual(
      [
        [blind.ids.get("m"), "accept", CATS[3]],
        [blind.ids.get("n"), "accept", CATS[1]],
      ].sort(),
    );
  });

  it("says an audit is an audit when the project reveals it", async () => {
    await page.goto(`/p/${revealed.projectId}/review`);
    await page.getByTestId("review-title").waitFor();
    await expectText(page.getByText("Audit of an auto-accept"), "Audit of an auto-accept");
    await expectText(page.getByText(/labelled this item automatically/), "labelled this item automatically");
  });

  it("reveals audits once an ML engineer turns the setting on", async () => {
    const eng = await app.newPage();
    await app.login(eng, ENG.email, ENG.password);
    await eng.goto(`/p/${toggledId}/review`);
    await eng.getByTestId("review-title").waitFor();
    expect(await eng.getByText("Audit of an auto-accept").count()).toBe(0);
    await eng.goto(`/p/${toggledId}/settings`);
    const box = eng.getByLabel("Tell auditors that the model labelled the item");
    expect(await box.isChecked()).toBe(false);
    await box.check();
    // The seed's audit rate of 1 (every slot an audit) is beyond what the form accepts.
    await eng.getByLabel("Audit rate").fill("0.5");
    await eng.getByRole("button", { name: "Save settings" }).click();
    await expectText(eng.getByText("No unsaved changes."), "No unsaved changes.");
    // A fresh browser (no stored buffer): the item still leased to this person comes with its context as it is now.
    await eng.context().close();
    const again = await app.newPage();
    await app.login(again, ENG.email, ENG.password);
    await again.goto(`/p/${toggledId}/review`);
    await expectText(again.getByText("Audit of an auto-accept"), "Audit of an auto-accept");
    await again.context().close();
  });
});
