import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { leases } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, callerFor, makeProject, makeUser } from "@/test/factories";
import { addAnnotation, insertItems, setLabel } from "@/server/routers/__tests__/fixtures";

describe.each(dbTargets())("items on $name", (target) => {
  let h: TestDb;
  let projectId: number;
  let api: ReturnType<typeof callerFor>;
  let ids: Record<string, number>;
  let cats: { id: number; path: string }[];
  let annotatorId: number;
  let reviewer: ReturnType<typeof callerFor>;

  beforeAll(async () => {
    h = await createTestDb(target);
    const annotator = await makeUser(h.db, { name: "Ann Otator" });
    annotatorId = annotator.id;
    const made = await makeProject(h.db);
    projectId = made.project.id;
    cats = made.categories;
    await addMember(h.db, projectId, annotator.id, "annotator");
    api = callerFor(h.db, annotator);
    const rev = await makeUser(h.db, { name: "Rev Iewer" });
    await addMember(h.db, projectId, rev.id, "reviewer");
    reviewer = callerFor(h.db, rev);
    const pool = await insertItems(h, projectId, [
      "Red Headphones",
      "Blue speaker",
      "100% cotton shirt",
      "Plain mug",
      "red kettle",
    ]);
    const test = await insertItems(h, projectId, ["Gold headphones"], "test");
    ids = Object.fromEntries([...pool, ...test].map((i) => [i.title, i.id]));
    await setLabel(h, {
      projectId,
      itemId: ids["Red Headphones"]!,
      categoryId: cats[0]!.id,
      source: "human",
      userId: annotator.id,
    });
    await setLabel(h, { projectId, itemId: ids["Blue speaker"]!, categoryId: cats[1]!.id, source: "auto" });
    await setLabel(h, { projectId, itemId: ids["Gold headphones"]!, categoryId: cats[0]!.id, source: "import" });
  });
  afterAll(async () => h?.drop());

  const titles = async (input: Omit<Parameters<typeof api.items.list>[0], "projectId">) =>
    (await api.items.list({ projectId, ...input })).items.map((i) => i.title);

  it("filters by split, label source, category, title text and labelled-or-not", async () => {
    expect(await titles({ split: "test" })).toEqual(["Gold headphones"]);
    expect(await titles({ labelSource: "auto" })).toEqual(["Blue speaker"]);
    // Gold labels grade the model: an annotator's label filters pass over gold items; a reviewer's see them.
    expect(await titles({ categoryId: cats[0]!.id })).toEqual(["Red Headphones"]);
    const byReviewer = await reviewer.items.list({ projectId, categoryId: cats[0]!.id });
    expect(byReviewer.items.map((i) => i.title)).toEqual(["Red Headphones", "Gold headphones"]);
    expect(await titles({ search: "RED" })).toEqual(["Red Headphones", "red kettle"]);
    expect(await titles({ search: "100%" })).toEqual(["100% cotton shirt"]);
    expect(await titles({ search: "_" })).toEqual([]);
    expect(await titles({ hasLabel: false })).toEqual(["100% cotton shirt", "Plain mug", "red kettle"]);
    expect(await titles({ hasLabel: true, split: "pool" })).toEqual(["Red Headphones", "Blue speaker"]);
    const [first] = (await api.items.list({ projectId, search: "red headphones" })).items;
    expect(first!.label).toMatchObject({ categoryId: cats[0]!.id, source: "human", path: cats[0]!.path });
    expect((await api.items.list({ projectId, search: "mug" })).items[0]!.label).toBeNull();
  });

  it("pages by keyset cursor without gaps or repeats, and bounds the limit", async () => {
    const seen: number[] = [];
    let cursor: number | undefined;
    do {
      const page = await api.items.list({ projectId, limit: 2, cursor });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(Object.values(ids).sort((a, b) => a - b));
    await expect(api.items.list({ projectId, limit: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(api.items.list({ projectId, limit: 101 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(api.items.list({ projectId, search: "x".repeat(201) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("get returns the item, its current label and its history newest first", async () => {
    const itemId = ids["Red Headphones"]!;
    const a1 = await addAnnotation(h, { projectId, itemId, userId: annotatorId, categoryId: cats[1]!.id });
    const a2 = await addAnnotation(h, { projectId, itemId, userId: annotatorId, categoryId: cats[0]!.id });
    const got = await api.items.get({ projectId, itemId });
    expect(got.item).toMatchObject({ id: itemId, title: "Red Headphones", split: "pool", attributes: {} });
    expect(got.label).toMatchObject({
      categoryId: cats[0]!.id,
      path: cats[0]!.path,
      source: "human",
      categoryDeleted: false,
    });
    expect(got.history.map((x) => x.id)).toEqual([a2, a1]);
    expect(got.history[0]).toMatchObject({ userName: "Ann Otator", path: cats[0]!.path, action: "correct" });
  });

  it("an item or category of another project is not found", async () => {
    const other = await makeProject(h.db);
    const [foreign] = await insertItems(h, other.project.id, ["Not yours"]);
    await expect(api.items.get({ projectId, itemId: foreign!.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "Item not found",
    });
    await expect(api.items.list({ projectId, categoryId: other.categories[0]!.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "Category not found",
    });
    await expect(api.items.get({ projectId: other.project.id, itemId: foreign!.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "Project not found",
    });
  });

  it("an annotator reads no gold label, nor a colleague's first opinion on an item they hold as a second opinion", async () => {
    const gold = ids["Gold headphones"]!;
    expect((await api.items.get({ projectId, itemId: gold })).label).toBeNull();
    expect((await api.items.list({ projectId, split: "test" })).items[0]!.label).toBeNull();
    expect((await reviewer.items.get({ projectId, itemId: gold })).label).toMatchObject({ source: "import" });

    const itemId = ids["Plain mug"]!;
    const colleague = await makeUser(h.db, { name: "Col League" });
    await addMember(h.db, projectId, colleague.id, "annotator");
    await setLabel(h, { projectId, itemId, categoryId: cats[1]!.id, source: "human", userId: colleague.id });
    const first = await addAnnotation(h, { projectId, itemId, userId: colleague.id, categoryId: cats[1]!.id });
    await h.db
      .insert(leases)
      .values({ itemId, projectId, userId: annotatorId, reason: "overlap", expiresAt: new Date(Date.now() + 600_000) });
    const held = await api.items.get({ projectId, itemId });
    expect(held.label).toBeNull();
    expect(held.history).toEqual([]);
    expect((await api.items.list({ projectId, search: "mug" })).items[0]!.label).toBeNull();
    // Nor through a label filter.
    expect(await titles({ categoryId: cats[1]!.id })).not.toContain("Plain mug");
    expect(await titles({ labelSource: "human" })).not.toContain("Plain mug");
    const seen = await reviewer.items.get({ projectId, itemId });
    expect(seen.label).toMatchObject({ source: "human", categoryId: cats[1]!.id });
    expect(seen.history.map((x) => x.id)).toEqual([first]);
  });
});
