import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq, like } from "drizzle-orm";
import { auditEvents, categories } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, callerFor, makeProject, makeUser } from "@/test/factories";
import { parseTaxonomy } from "./parse-taxonomy";

describe("parseTaxonomy", () => {
  it("reads one path per line, skipping blank lines, with each path normalised", () => {
    expect(parseTaxonomy("\uFEFFProduce>Fruits\n\n  Produce >  Fresh   herbs \r\nBakery\n", "text")).toEqual({
      paths: [
        { line: 1, path: "Produce > Fruits" },
        { line: 3, path: "Produce > Fresh herbs" },
        { line: 4, path: "Bakery" },
      ],
      errors: [],
    });
  });

  it("reads CSV with a path column, or one column per level", () => {
    expect(parseTaxonomy('id,path\n1,"Pantry > Oils, vinegars"\n2,Bakery\n', "csv").paths).toEqual([
      { line: 2, path: "Pantry > Oils, vinegars" },
      { line: 3, path: "Bakery" },
    ]);
    expect(parseTaxonomy("department,aisle\nproduce,fresh fruits\nbakery,\n", "csv").paths).toEqual([
      { line: 2, path: "produce > fresh fruits" },
      { line: 3, path: "bakery" },
    ]);
  });

  it("refuses duplicates, blank segments and over-long or too deep paths, by line", () => {
    const text = ["A > B", "A >  > C", "a>b>c>d>e>f>g", `A > ${"x".repeat(500)}`, "A>B", ",x"].join("\n");
    const { errors } = parseTaxonomy(text, "text");
    expect(errors).toEqual([
      { line: 2, message: 'empty path segment in "A >  > C"' },
      { line: 3, message: 'depth must be at most 6 in "a>b>c>d>e>f>g"' },
      { line: 4, message: expect.stringMatching(/^must be at most 500 characters in "A > x+…"$/) },
      { line: 5, message: '"A > B" is already on line 1' },
    ]);
    expect(parseTaxonomy("Fine\nBad\u0000name\n", "text").errors).toEqual([
      { line: 2, message: "contains a NUL character (U+0000)" },
    ]);
    expect(parseTaxonomy("level1,level2\nA,\n,B\n", "csv").errors).toEqual([
      { line: 3, message: 'empty path segment in " > B"' },
    ]);
  });

  it("adds every parent path when asked, once, without calling a listed parent a duplicate", () => {
    const text = "Produce > Fruits > Apples\nProduce > Fruits\nProduce > Herbs\n";
    expect(parseTaxonomy(text, "text").paths.map((p) => p.path)).toEqual([
      "Produce > Fruits > Apples",
      "Produce > Fruits",
      "Produce > Herbs",
    ]);
    expect(parseTaxonomy(text, "text", { parents: true })).toEqual({
      paths: [
        { line: 1, path: "Produce" },
        { line: 1, path: "Produce > Fruits" },
        { line: 1, path: "Produce > Fruits > Apples" },
        { line: 3, path: "Produce > Herbs" },
      ],
      errors: [],
    });
  });

  it("says so when there is nothing to import, or the CSV cannot be read", () => {
    expect(parseTaxonomy("\n \n", "text").errors).toEqual([{ line: 0, message: "The file has no categories" }]);
    expect(parseTaxonomy('path\n"unclosed\n', "csv").errors[0]?.message).toMatch(/^Not valid CSV/);
  });
});

describe.each(dbTargets())("categories.import on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  async function setup(role: "ml_engineer" | "admin" | "reviewer" | "manager" = "ml_engineer") {
    const user = await makeUser(h.db);
    const { project } = await makeProject(h.db, { categories: ["Produce > Fruits", "Dairy"] });
    await addMember(h.db, project.id, user.id, role);
    return { user, projectId: project.id, api: callerFor(h.db, user) };
  }
  const paths = async (projectId: number) =>
    (
      await h.db
        .select({ path: categories.path, deletedAt: categories.deletedAt })
        .from(categories)
        .where(eq(categories.projectId, projectId))
        .orderBy(asc(categories.path))
    ).map((c) => (c.deletedAt ? `${c.path} (removed)` : c.path));

  it("previews without writing, then imports new paths, keeps existing ones, and is idempotent", async () => {
    const { user, projectId, api } = await setup();
    const file = "Produce > Fruits\nProduce > Vegetables\nBakery > Bread\nDairy\n";
    const preview = await api.categories.import({ projectId, text: file, format: "text", dryRun: true });
    expect(preview).toEqual({
      create: ["Produce > Vegetables", "Bakery > Bread"],
      restore: [],
      kept: 2,
      errors: [],
      applied: false,
    });
    expect(await paths(projectId)).toEqual(["Dairy", "Produce > Fruits"]);

    const done = await api.categories.import({ projectId, text: file, format: "text", dryRun: false });
    expect(done).toMatchObject({ create: ["Produce > Vegetables", "Bakery > Bread"], kept: 2, applied: true });
    expect(await paths(projectId)).toEqual(["Bakery > Bread", "Dairy", "Produce > Fruits", "Produce > Vegetables"]);
    const events = await h.db
      .select({ action: auditEvents.action, actorId: auditEvents.actorId })
      .from(auditEvents)
      .where(and(eq(auditEvents.projectId, projectId), like(auditEvents.action, "category.%")));
    expect(events).toEqual([
      { action: "category.create", actorId: user.id },
      { action: "category.create", actorId: user.id },
    ]);

    const again = await api.categories.import({ projectId, text: file, format: "text", dryRun: false });
    expect(again).toMatchObject({ create: [], restore: [], kept: 4, applied: true });
    expect(await paths(projectId)).toHaveLength(4);
  });

  it("creates the parent paths too when asked, keeping those already there", async () => {
    const { projectId, api } = await setup();
    const r = await api.categories.import({
      projectId,
      text: "Produce > Fruits > Citrus\nBakery > Bread",
      format: "text",
      parents: true,
      dryRun: false,
    });
    expect(r).toMatchObject({ create: ["Produce", "Produce > Fruits > Citrus", "Bakery", "Bakery > Bread"], kept: 1 });
    expect(await paths(projectId)).toEqual([
      "Bakery",
      "Bakery > Bread",
      "Dairy",
      "Produce",
      "Produce > Fruits",
      "Produce > Fruits > Citrus",
    ]);
  });

  it("brings back a removed category with its old id", async () => {
    const { projectId, api } = await setup("admin");
    const [dairy] = await h.db
      .select({ id: categories.id })
      .from(categories)
      .where(and(eq(categories.projectId, projectId), eq(categories.path, "Dairy")));
    await api.categories.remove({ projectId, categoryId: dairy!.id });
    const r = await api.categories.import({ projectId, text: "Dairy\nFrozen", format: "text", dryRun: false });
    expect(r).toMatchObject({ create: ["Frozen"], restore: ["Dairy"], kept: 0 });
    const [back] = await h.db.select().from(categories).where(eq(categories.id, dairy!.id));
    expect(back).toMatchObject({ path: "Dairy", deletedAt: null });
  });

  it("writes nothing when any line is refused, and names every refused line", async () => {
    const { projectId, api } = await setup();
    const file = "Frozen > Pizza\nFrozen >  > Peas\nFrozen > Pizza\n";
    const preview = await api.categories.import({ projectId, text: file, format: "text", dryRun: true });
    expect(preview.errors).toEqual([
      { line: 2, message: 'empty path segment in "Frozen >  > Peas"' },
      { line: 3, message: '"Frozen > Pizza" is already on line 1' },
    ]);
    await expect(api.categories.import({ projectId, text: file, format: "text", dryRun: false })).rejects.toMatchObject(
      {
        code: "BAD_REQUEST",
        message:
          'Nothing imported: line 2: empty path segment in "Frozen >  > Peas"; line 3: "Frozen > Pizza" is already on line 1',
      },
    );
    expect(await paths(projectId)).toEqual(["Dairy", "Produce > Fruits"]);
  });

  it("refuses roles that do not manage the taxonomy, and other projects (as not found)", async () => {
    for (const role of ["reviewer", "manager"] as const) {
      const { projectId, api } = await setup(role);
      await expect(api.categories.import({ projectId, text: "X", format: "text", dryRun: true })).rejects.toMatchObject(
        { code: "FORBIDDEN" },
      );
    }
    const { api } = await setup();
    const other = await setup();
    await expect(
      api.categories.import({ projectId: other.projectId, text: "X", format: "text", dryRun: false }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await paths(other.projectId)).toEqual(["Dairy", "Produce > Fruits"]);
  });

  it("refuses an over-large file or a NUL character with a clear error, never an internal one", async () => {
    const { projectId, api } = await setup();
    await expect(
      api.categories.import({ projectId, text: "Frozen\nBad\u0000name", format: "text", dryRun: false }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "text, line 2: text cannot contain NUL characters or unpaired surrogates",
    });
    await expect(
      api.categories.import({ projectId, text: "x".repeat(1024 * 1024 + 1), format: "text", dryRun: true }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
