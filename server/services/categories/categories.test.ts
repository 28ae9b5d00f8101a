import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditEvents, categories, labels } from "@/db/schema";
import { normaliseCategoryPath } from "@/server/services/categories/categories";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, callerFor, makeProject, makeUser } from "@/test/factories";
import { insertItems, setLabel } from "@/server/routers/__tests__/fixtures";

describe("normaliseCategoryPath", () => {
  it("collapses whitespace around and inside segments", () => {
    expect(normaliseCategoryPath(" Audio>Head   phones ")).toEqual({
      path: "Audio > Head phones",
      name: "Head phones",
    });
  });
  it("names the problem", () => {
    expect(() => normaliseCategoryPath("A >  > B")).toThrow('Category path "A >  > B": empty path segment');
    expect(() => normaliseCategoryPath(Array(7).fill("x").join(">"))).toThrow("depth must be at most 6");
    expect(() => normaliseCategoryPath("x".repeat(501))).toThrow("at most 500 characters");
  });
});

describe.each(dbTargets())("categories on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  async function setup(role: "ml_engineer" | "annotator" = "ml_engineer") {
    const user = await makeUser(h.db);
    const { project, categories: cats } = await makeProject(h.db, {
      categories: ["Audio > Headphones", "Audio > Speakers"],
    });
    await addMember(h.db, project.id, user.id, role);
    return { user, projectId: project.id, cats, api: callerFor(h.db, user) };
  }

  it("creates, renames and soft-deletes with stable ids and audit events", async () => {
    const { user, projectId, api } = await setup();
    const c = await api.categories.create({ projectId, path: "Computers>Mice" });
    expect(c).toMatchObject({ path: "Computers > Mice", name: "Mice", deletedAt: null });
    const renamed = await api.categories.rename({ projectId, categoryId: c.id, path: "Computers > Pointing devices" });
    expect(renamed).toMatchObject({ id: c.id, name: "Pointing devices" });
    const removed = await api.categories.remove({ projectId, categoryId: c.id });
    expect(removed.id).toBe(c.id);
    expect(removed.deletedAt).toBeInstanceOf(Date);
    // Never hard-deleted.
    expect(await h.db.select().from(categories).where(eq(categories.id, c.id))).toHaveLength(1);
    // Creating the path again restores the same id.
    const back = await api.categories.create({ projectId, path: "Computers > Pointing devices" });
    expect(back).toMatchObject({ id: c.id, deletedAt: null });
    const events = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.projectId, projectId), eq(auditEvents.entityId, String(c.id))));
    expect(events.map((e) => e.action)).toEqual([
      "category.create",
      "category.rename",
      "category.remove",
      "category.restore",
    ]);
    expect(events[1]).toMatchObject({
      actorId: user.id,
      before: { path: "Computers > Mice" },
      after: { path: "Computers > Pointing devices" },
    });
  });

  it("refuses duplicates, renames onto existing paths, bad paths and the wrong role", async () => {
    const { projectId, cats, api } = await setup();
    await expect(api.categories.create({ projectId, path: "audio > headphones " })).resolves.toBeDefined(); // case differs: a new path
    await expect(api.categories.create({ projectId, path: "Audio >Headphones" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: 'Category "Audio > Headphones" already exists',
    });
    await expect(
      api.categories.rename({ projectId, categoryId: cats[0]!.id, path: "Audio > Speakers" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(api.categories.create({ projectId, path: " > " })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("empty path segment"),
    });
    await expect(api.categories.create({ projectId, path: "x".repeat(501) })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    const annotator = await setup("annotator");
    await expect(
      annotator.api.categories.create({ projectId: annotator.projectId, path: "New" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      annotator.api.categories.remove({ projectId: annotator.projectId, categoryId: annotator.cats[0]!.id }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("lists live categories with label counts by source; removed ones on request", async () => {
    const { projectId, cats, api } = await setup();
    const [i1, i2, i3] = await insertItems(h, projectId, ["a", "b", "c"]);
    await setLabel(h, { projectId, itemId: i1!.id, categoryId: cats[0]!.id, source: "human" });
    await setLabel(h, { projectId, itemId: i2!.id, categoryId: cats[0]!.id, source: "auto" });
    await setLabel(h, { projectId, itemId: i3!.id, categoryId: cats[1]!.id, source: "import" });
    await api.categories.remove({ projectId, categoryId: cats[1]!.id });
    const live = await api.categories.list({ projectId });
    expect(live.categories).toEqual([
      expect.objectContaining({ id: cats[0]!.id, labelCounts: { human: 1, auto: 1, import: 0, total: 2 } }),
    ]);
    const all = await api.categories.list({ projectId, includeDeleted: true });
    expect(all.categories.map((c) => c.id)).toEqual([cats[0]!.id, cats[1]!.id]);
    expect(all.categories[1]!.labelCounts.total).toBe(1);
    // The label still points at the removed category's id.
    const [l] = await h.db.select().from(labels).where(eq(labels.itemId, i3!.id));
    expect(l!.categoryId).toBe(cats[1]!.id);
    const page = await api.categories.list({ projectId, includeDeleted: true, limit: 1 });
    expect(page.nextCursor).toBe(cats[0]!.id);
  });

  it("renaming a category takes everything under its path along, in one step, with ids and labels kept", async () => {
    const { projectId, api } = await setup();
    const root = await api.categories.create({ projectId, path: "Produce" });
    const fruits = await api.categories.create({ projectId, path: "Produce > Fruits" });
    const apples = await api.categories.create({ projectId, path: "Produce > Fruits > Apples" });
    const gone = await api.categories.create({ projectId, path: "Produce > Herbs" });
    await api.categories.remove({ projectId, categoryId: gone.id });
    const lookalike = await api.categories.create({ projectId, path: "Produce stand" }); // shares the prefix, not the path
    const [item] = await insertItems(h, projectId, ["Gala apple"]);
    await setLabel(h, { projectId, itemId: item!.id, categoryId: apples.id, source: "human" });

    const renamed = await api.categories.rename({ projectId, categoryId: root.id, path: "Fresh produce" });
    expect(renamed).toMatchObject({ id: root.id, path: "Fresh produce", name: "Fresh produce" });
    const byId = new Map(
      (await h.db.select().from(categories).where(eq(categories.projectId, projectId))).map((c) => [c.id, c]),
    );
    expect(byId.get(fruits.id)).toMatchObject({ path: "Fresh produce > Fruits", name: "Fruits" });
    expect(byId.get(apples.id)).toMatchObject({ path: "Fresh produce > Fruits > Apples", name: "Apples" });
    expect(byId.get(gone.id)).toMatchObject({ path: "Fresh produce > Herbs", deletedAt: expect.any(Date) });
    expect(byId.get(lookalike.id)).toMatchObject({ path: "Produce stand" });
    const [label] = await h.db
      .select({ categoryId: labels.categoryId })
      .from(labels)
      .where(eq(labels.itemId, item!.id));
    expect(label!.categoryId).toBe(apples.id);
    const events = await h.db
      .select({ entityId: auditEvents.entityId, after: auditEvents.after })
      .from(auditEvents)
      .where(and(eq(auditEvents.projectId, projectId), eq(auditEvents.action, "category.rename")));
    expect(events.map((e) => Number(e.entityId)).sort((x, y) => x - y)).toEqual(
      [root.id, fruits.id, apples.id, gone.id].sort((x, y) => x - y),
    );
    expect(events.find((e) => Number(e.entityId) === apples.id)!.after).toMatchObject({
      path: "Fresh produce > Fruits > Apples",
      renamedWith: root.id,
    });

    // Moving a level up: "Fresh produce > Fruits" becomes "Fruits", its child follows.
    await api.categories.rename({ projectId, categoryId: fruits.id, path: "Fruits" });
    const [apple] = await h.db.select({ path: categories.path }).from(categories).where(eq(categories.id, apples.id));
    expect(apple!.path).toBe("Fruits > Apples");
  });

  it("refuses a rename that would move a child onto an existing path or under itself, and changes nothing", async () => {
    const { projectId, api } = await setup();
    const a = await api.categories.create({ projectId, path: "Bakery" });
    await api.categories.create({ projectId, path: "Bakery > Bread" });
    await api.categories.create({ projectId, path: "Pantry > Bread" });
    await expect(api.categories.rename({ projectId, categoryId: a.id, path: "Pantry" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: 'Renaming "Bakery" would move "Bakery > Bread" onto "Pantry > Bread", which already exists',
    });
    await expect(api.categories.rename({ projectId, categoryId: a.id, path: "Bakery > Old" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    const paths = (
      await h.db.select({ path: categories.path }).from(categories).where(eq(categories.projectId, projectId))
    )
      .map((c) => c.path)
      .sort();
    expect(paths).toEqual(["Audio > Headphones", "Audio > Speakers", "Bakery", "Bakery > Bread", "Pantry > Bread"]);
    // Six levels is the limit: a subtree that would go deeper is refused as a bad path.
    const deep = await api.categories.create({ projectId, path: "D1 > D2" });
    await api.categories.create({ projectId, path: "D1 > D2 > D3 > D4 > D5 > D6" });
    await expect(api.categories.rename({ projectId, categoryId: deep.id, path: "D1 > D2 > X" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(api.categories.rename({ projectId, categoryId: deep.id, path: "E1 > E2 > E3" })).rejects.toMatchObject(
      {
        code: "BAD_REQUEST",
        message: expect.stringContaining("depth must be at most 6"),
      },
    );
  });

  it("another project's category is not found and unchanged", async () => {
    const mine = await setup();
    const theirs = await setup();
    await expect(
      mine.api.categories.rename({ projectId: mine.projectId, categoryId: theirs.cats[0]!.id, path: "Stolen" }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "Category not found",
    });
    const [row] = await h.db.select().from(categories).where(eq(categories.id, theirs.cats[0]!.id));
    expect(row).toMatchObject({ path: "Audio > Headphones", deletedAt: null });
  });
});
