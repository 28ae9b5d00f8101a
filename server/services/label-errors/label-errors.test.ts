import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { annotations, auditEvents, labels, labelSuspects } from "@/db/schema";
import { createRng } from "@/ml/rng";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { makeProject, makeUser } from "@/test/factories";
import { activateModel, seedItems } from "@/test/queue-fixtures";
import { detectLabelErrors, listSuspects, openSuspectCount, resolveSuspects, suspectCounts } from "./index";

/** Four categories, each with words of its own: a catalogue a few epochs learn. */
const CATEGORIES = ["Audio > Headphones", "Audio > Speakers", "Computers > Keyboards", "Kitchen > Kettles"];
const WORDS = [
  ["headphones", "earbuds", "over-ear", "headset", "earcups", "anc"],
  ["speaker", "soundbar", "woofer", "subwoofer", "boombox", "tweeter"],
  ["keyboard", "keycaps", "mechanical", "switches", "numpad", "typing"],
  ["kettle", "boil", "litre", "teapot", "stovetop", "gooseneck"],
];
const SHARED = ["black", "white", "pro", "mini", "2024", "premium", "compact", "set"];

async function seedCatalogue(h: TestDb, pool = 200, test = 40) {
  const rng = createRng(5);
  const pick = (a: string[]) => a[Math.floor(rng() * a.length)]!;
  const { project, categories } = await makeProject(h.db, { categories: CATEGORIES });
  const title = (c: number) => `${pick(WORDS[c]!)} ${pick(SHARED)} ${pick(WORDS[c]!)} ${pick(SHARED)}`;
  const truthPool = Array.from({ length: pool }, (_, i) => i % 4);
  const truthTest = Array.from({ length: test }, (_, i) => i % 4);
  const poolItems = await seedItems(h.db, project.id, truthPool.map(title));
  const testItems = await seedItems(h.db, project.id, truthTest.map(title), "test");
  // One imported pool label in ten names another category, wrong on purpose (every category, every direction).
  const isWrong = (i: number) => Math.floor(i / 4) % 10 === 3;
  const wrongTo = (i: number) => (truthPool[i]! + 1 + (Math.floor(i / 40) % 3)) % 4;
  const wrong = new Set(poolItems.filter((_, i) => isWrong(i)).map((r) => r.id));
  const rows = [
    ...poolItems.map((r, i) => ({ item: r.id, c: isWrong(i) ? wrongTo(i) : truthPool[i]! })),
    ...testItems.map((r, i) => ({ item: r.id, c: truthTest[i]! })),
  ];
  await h.db.insert(labels).values(
    rows.map((r) => ({
      itemId: r.item,
      projectId: project.id,
      categoryId: categories[r.c]!.id,
      source: "import" as const,
    })),
  );
  const truth = new Map(poolItems.map((r, i) => [r.id, categories[truthPool[i]!]!.id]));
  return { projectId: project.id, categoryIds: categories.map((c) => c.id), wrong, truth };
}

describe.each(dbTargets())("label-error detection on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  const suspectsOf = (projectId: number, status?: "open" | "superseded" | "confirmed" | "kept") =>
    h.db
      .select()
      .from(labelSuspects)
      .where(and(eq(labelSuspects.projectId, projectId), status ? eq(labelSuspects.status, status) : undefined));

  let s: Awaited<ReturnType<typeof seedCatalogue>>;

  it("flags the wrong imported labels, supersedes a run's suspects with the next, records the run", async () => {
    s = await seedCatalogue(h);
    const v1 = await activateModel(h.db, s.projectId, s.categoryIds);
    const first = await detectLabelErrors(h.db, { projectId: s.projectId, versionId: v1 });
    expect(first).toMatchObject({ versionId: v1, labelled: 240, superseded: 0 });
    expect(first.reason).toBeUndefined();
    const open = await suspectsOf(s.projectId, "open");
    expect(open).toHaveLength(first.flagged);
    const hits = open.filter((o) => s.wrong.has(o.itemId));
    console.log(
      `[measure] ${target.name}: ${open.length} flagged, ${hits.length}/${s.wrong.size} wrong ones, ${first.seconds} s`,
    );
    expect(hits.length / s.wrong.size).toBeGreaterThanOrEqual(0.8);
    expect(hits.length / open.length).toBeGreaterThanOrEqual(0.8);
    // The suggestion is (mostly) the true category, and the ranking is p(suggested) − p(given).
    const rightSuggestion = hits.filter((o) => o.suggestedCategoryId === s.truth.get(o.itemId));
    expect(rightSuggestion.length / hits.length).toBeGreaterThanOrEqual(0.8);
    for (const o of open) expect(o.score).toBeCloseTo(o.suggestedProbability - o.givenProbability, 5);

    const page = await listSuspects(h.db, { projectId: s.projectId, limit: 5 });
    expect(page.suspects).toHaveLength(5);
    expect(page.suspects[0]!.givenPath).toMatch(/ > /);
    const rest = await listSuspects(h.db, { projectId: s.projectId, limit: 100, cursor: page.nextCursor! });
    const all = [...page.suspects, ...rest.suspects];
    expect(all.map((r) => r.id).sort()).toEqual(open.map((o) => o.id).sort());
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.score).toBeGreaterThanOrEqual(all[i]!.score);
    expect(await openSuspectCount(h.db, { projectId: s.projectId })).toBe(open.length);

    const v2 = await activateModel(h.db, s.projectId, s.categoryIds);
    const second = await detectLabelErrors(h.db, { projectId: s.projectId, versionId: v2 });
    expect(second.superseded).toBe(first.flagged);
    expect(await suspectsOf(s.projectId, "superseded")).toHaveLength(first.flagged);
    const reopened = await suspectsOf(s.projectId, "open");
    expect(reopened).toHaveLength(second.flagged);
    expect(reopened.every((o) => o.modelVersionId === v2)).toBe(true);
    const events = await h.db
      .select({ after: auditEvents.after })
      .from(auditEvents)
      .where(and(eq(auditEvents.projectId, s.projectId), eq(auditEvents.action, "labels.errors_detected")));
    expect(events).toHaveLength(2);
    expect(events[1]!.after).toMatchObject({ flagged: second.flagged, superseded: first.flagged, labelled: 240 });
  });

  // Goes on with the first test's project and its second run's suspects (a detection run takes seconds).
  it("people's decisions confirm or keep a suspect, and a verdict on a suspect pick is not flagged again", async () => {
    const user = await makeUser(h.db);
    const open = (await suspectsOf(s.projectId, "open")).filter((o) => s.wrong.has(o.itemId));
    const [fixed, kept] = open;
    // A person looks at two suspect picks: corrects one to the suggestion, keeps the other's (wrong) label.
    const decide = async (itemId: number, categoryId: number) => {
      const [a] = await h.db
        .insert(annotations)
        .values({
          projectId: s.projectId,
          itemId,
          userId: user.id,
          action: "correct",
          categoryId,
          reason: "suspect",
          idempotencyKey: randomUUID(),
        })
        .returning({ id: annotations.id });
      await h.db
        .update(labels)
        .set({ categoryId, source: "human", userId: user.id, annotationId: a!.id })
        .where(eq(labels.itemId, itemId));
      return { itemId, categoryId, annotationId: a!.id };
    };
    const decided = [
      await decide(fixed!.itemId, fixed!.suggestedCategoryId),
      await decide(kept!.itemId, kept!.givenCategoryId),
    ];
    const res = await h.db.transaction((tx) =>
      resolveSuspects(tx, { projectId: s.projectId, actorId: user.id, decided }),
    );
    expect(res).toEqual({ confirmed: 1, kept: 1 });
    const [c] = await suspectsOf(s.projectId, "confirmed");
    expect(c).toMatchObject({ itemId: fixed!.itemId, resolvedById: user.id, annotationId: decided[0]!.annotationId });
    expect(c!.resolvedAt).toBeInstanceOf(Date);
    const [k] = await suspectsOf(s.projectId, "kept");
    expect(k).toMatchObject({ itemId: kept!.itemId, annotationId: decided[1]!.annotationId });
    // Resolving again finds nothing open.
    expect(await resolveSuspects(h.db, { projectId: s.projectId, actorId: user.id, decided })).toEqual({
      confirmed: 0,
      kept: 0,
    });

    const now = new Date();
    const todayKey = now.toISOString().slice(0, 10);
    const yesterdayKey = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10);
    const days = await suspectCounts(h.db, {
      projectId: s.projectId,
      from: new Date(now.getTime() - 86_400_000),
      to: new Date(now.getTime() + 1000),
      bucket: "day",
      keys: [yesterdayKey, todayKey],
    });
    expect(days.map((d) => d.bucket)).toEqual([yesterdayKey, todayKey]);
    const today = days.find((d) => d.bucket === todayKey);
    expect(today).toMatchObject({ confirmed: 1, kept: 1 });
    expect(days.reduce((a, d) => a + d.found, 0)).toBe((await suspectsOf(s.projectId)).length);

    const v3 = await activateModel(h.db, s.projectId, s.categoryIds);
    await detectLabelErrors(h.db, { projectId: s.projectId, versionId: v3 });
    const again = await suspectsOf(s.projectId, "open");
    expect(again.map((o) => o.itemId)).not.toContain(kept!.itemId);
    expect(again.map((o) => o.itemId)).not.toContain(fixed!.itemId);
    // Its other wrong labels are still found.
    expect(again.filter((o) => s.wrong.has(o.itemId)).length).toBeGreaterThanOrEqual(open.length - 2 - 2);
  });

  it("says why it flags nothing when there is too little to learn from", async () => {
    const { project, categories } = await makeProject(h.db);
    const items = await seedItems(h.db, project.id, ["keyboard one", "speaker two"]);
    await h.db.insert(labels).values(
      items.map((r, i) => ({
        itemId: r.id,
        projectId: project.id,
        categoryId: categories[i]!.id,
        source: "import" as const,
      })),
    );
    const ids = categories.map((c) => c.id);
    const v = await activateModel(h.db, project.id, ids);
    const later = await activateModel(h.db, project.id, ids);
    // A late job works for the newest ready version (the queue's one waiting slot may have dropped that one's job).
    const res = await detectLabelErrors(h.db, { projectId: project.id, versionId: v });
    expect(res).toMatchObject({ versionId: later, flagged: 0, labelled: 2 });
    expect(res.reason).toMatch(/at least 50 labelled items/);
    expect(await detectLabelErrors(h.db, { projectId: project.id + 999, versionId: v })).toMatchObject({ flagged: 0 });
  });
});
