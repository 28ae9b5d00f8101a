import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { imports, items, labels } from "@/db/schema";
import { IMPORT_LIMITS } from "@/lib/constants";
import { MAX_TRPC_IMPORT_BYTES } from "@/server/schemas/data";
import { ImportRejectedError, UnknownCategoriesError } from "@/server/services/imports/errors";
import { importItems } from "@/server/services/imports/import-items";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { makeProject, makeUser } from "@/test/factories";
import { csv, fromText, jsonl, manyLines, projectCounts, snapshotExceptRunLog, type Line } from "@/test/import-helpers";

async function rejection(p: Promise<unknown>): Promise<ImportRejectedError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImportRejectedError);
  return err as ImportRejectedError;
}

describe.each(dbTargets())("importItems on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  const run = (
    projectId: number,
    text: string,
    format: "jsonl" | "csv",
    extra: Partial<Parameters<typeof importItems>[1]> = {},
  ) =>
    importItems(h.db, {
      projectId,
      actorId: null,
      source: fromText(text),
      format,
      filename: `f.${format}`,
      unknownCategories: "create",
      ...extra,
    });

  it("imports items, creates categories, writes import labels, logs the run and one audit event", async () => {
    const { project } = await makeProject(h.db, { categories: ["Audio > Headphones"] });
    const r = await run(project.id, jsonl(manyLines(4500)), "jsonl");
    expect(r).toMatchObject({
      rows: 4500,
      created: 4500,
      updated: 0,
      labels: 3375,
      humanLabelsKept: 0,
      categoriesCreated: 2,
    });
    expect(await projectCounts(h, project.id)).toMatchObject({
      items: 4500,
      labels: 3375,
      categories: 3,
      succeededImports: 1,
      audit: 1,
    });
    const [run1] = await h.db.select().from(imports).where(eq(imports.id, r.importId));
    expect(run1).toMatchObject({
      status: "succeeded",
      rowCount: 4500,
      created: 4500,
      labelCount: 3375,
      categoriesCreated: 2,
    });
    const gold = await h.db
      .select({ source: labels.source })
      .from(labels)
      .innerJoin(items, eq(items.id, labels.itemId))
      .where(and(eq(labels.projectId, project.id), eq(items.split, "test")));
    expect(gold.length).toBeGreaterThan(0);
    expect(new Set(gold.map((g) => g.source))).toEqual(new Set(["import"]));
  });

  // 4,500 rows span three insert batches: a bad row in the middle or at the end comes after rows were written.
  const positions = { start: 0, middle: 2_250, end: 4_499 } as const;
  describe.each(["jsonl", "csv"] as const)("%s with one bad row", (format) => {
    it.each(Object.entries(positions))(
      "at the %s leaves the project unchanged and names line and field",
      async (_where, index) => {
        const { project } = await makeProject(h.db);
        await run(project.id, jsonl(manyLines(3, "keep")), "jsonl");
        const lines: Line[] = manyLines(4500);
        lines[index] = { ...lines[index]!, split: "gold" as "test" };
        const before = await snapshotExceptRunLog(h);
        const countsBefore = await projectCounts(h, project.id);
        const err = await rejection(run(project.id, (format === "csv" ? csv : jsonl)(lines), format));
        const line = index + (format === "csv" ? 2 : 1); // CSV line 1 is the header
        expect(err.errors).toEqual([{ line, field: "split", message: 'must be "pool" or "test"' }]);
        expect(err.message).toContain(`line ${line}, field "split"`);
        expect(await snapshotExceptRunLog(h)).toEqual(before);
        expect(await projectCounts(h, project.id)).toEqual({
          ...countsBefore,
          failedImports: countsBefore.failedImports + 1,
        });
        const [failed] = await h.db
          .select()
          .from(imports)
          .where(and(eq(imports.projectId, project.id), eq(imports.status, "failed")));
        expect(failed).toMatchObject({ created: 0, errors: [{ line, field: "split" }] });
      },
    );
  });

  it("rejects unknown categories in reject mode, listing each path with its first line; nothing written", async () => {
    const { project } = await makeProject(h.db, { categories: ["Audio > Headphones"] });
    const before = await projectCounts(h, project.id);
    const file = jsonl([
      { id: "a", title: "A", category: "Audio > Headphones" },
      { id: "b", title: "B", category: "Garden > Hoses" },
      { id: "c", title: "C", category: "Audio>Headphones" },
      { id: "d", title: "D", category: "Toys" },
      { id: "e", title: "E", category: "Garden > Hoses" },
    ]);
    const err = await rejection(run(project.id, file, "jsonl", { unknownCategories: "reject" }));
    expect(err).toBeInstanceOf(UnknownCategoriesError);
    expect((err as UnknownCategoriesError).unknown).toEqual([
      { path: "Garden > Hoses", line: 2 },
      { path: "Toys", line: 4 },
    ]);
    expect(err.errors[0]).toEqual({ line: 2, field: "category", message: 'unknown category "Garden > Hoses"' });
    expect(await projectCounts(h, project.id)).toEqual({ ...before, failedImports: 1 });
  });

  it("re-import updates in place: no duplicates, new title applied, import label replaced, human label kept", async () => {
    const { project, categories: cats } = await makeProject(h.db, { categories: ["A", "B", "C"] });
    await run(
      project.id,
      jsonl([
        { id: "x", title: "Old x", category: "A" },
        { id: "y", title: "Old y", category: "A" },
        { id: "z", title: "Old z", category: null },
      ]),
      "jsonl",
    );
    const annotator = await makeUser(h.db);
    const [y] = await h.db
      .select({ id: items.id })
      .from(items)
      .where(and(eq(items.projectId, project.id), eq(items.externalId, "y")));
    await h.db
      .update(labels)
      .set({ source: "human", categoryId: cats[2]!.id, userId: annotator.id })
      .where(eq(labels.itemId, y!.id));

    const r = await run(
      project.id,
      jsonl([
        { id: "x", title: "New x", category: "B" },
        { id: "y", title: "New y", category: "B" },
        { id: "z", title: "New z", category: "B", split: "test" },
        { id: "w", title: "Fresh w", category: "A" },
      ]),
      "jsonl",
      { unknownCategories: "reject" },
    );
    expect(r).toMatchObject({ rows: 4, created: 1, updated: 3, labels: 3, humanLabelsKept: 1, categoriesCreated: 0 });
    const rows = await h.db
      .select({
        externalId: items.externalId,
        title: items.title,
        split: items.split,
        source: labels.source,
        categoryId: labels.categoryId,
      })
      .from(items)
      .leftJoin(labels, eq(labels.itemId, items.id))
      .where(eq(items.projectId, project.id))
      .orderBy(items.externalId);
    const [a, b, c] = cats;
    expect(rows).toEqual([
      { externalId: "w", title: "Fresh w", split: "pool", source: "import", categoryId: a!.id },
      { externalId: "x", title: "New x", split: "pool", source: "import", categoryId: b!.id },
      { externalId: "y", title: "New y", split: "pool", source: "human", categoryId: c!.id },
      { externalId: "z", title: "New z", split: "test", source: "import", categoryId: b!.id },
    ]);
  });

  it("reports broken JSON with its line once, and two imports into one project at once both land", async () => {
    const { project } = await makeProject(h.db);
    const err = await rejection(run(project.id, '{"id":"a","title":"A"}\n{"id": broken\n', "jsonl"));
    expect(err.errors[0]?.line).toBe(2);
    expect(err.errors[0]?.message).not.toMatch(/^line/);
    const [a, b] = await Promise.all([
      run(project.id, jsonl(manyLines(3000, "p")), "jsonl"),
      run(project.id, jsonl(manyLines(3000, "p").reverse()), "jsonl"),
    ]);
    expect(a.created + b.created).toBe(3000);
    expect(a.updated + b.updated).toBe(3000);
    expect((await projectCounts(h, project.id)).items).toBe(3000);
  });

  it("refuses a NUL character (Postgres cannot store it) with its line, nothing written", async () => {
    const { project } = await makeProject(h.db);
    const before = await snapshotExceptRunLog(h);
    const file = jsonl([
      { id: "ok", title: "fine" },
      { id: "nul", title: "bad\u0000title" },
      { id: "bs", title: "literal \\u0000 is fine" },
    ]);
    const err = await rejection(run(project.id, file, "jsonl"));
    expect(err.errors).toEqual([{ line: 2, field: null, message: "contains a NUL character (U+0000)" }]);
    expect(await snapshotExceptRunLog(h)).toEqual(before);
  });

  it("refuses a 250 MB stream while reading it, long before the end, and writes nothing", async () => {
    expect(IMPORT_LIMITS.maxBytes).toBeLessThan(250 * 1024 * 1024);
    const { project } = await makeProject(h.db);
    const before = await snapshotExceptRunLog(h);
    const CHUNK = 1024 * 1024;
    let pulled = 0;
    // Valid rows padded with whitespace (legal JSON), so the rows written before the cap stay small.
    async function* huge() {
      for (let i = 0; pulled < 250 * CHUNK; i++) {
        const line = JSON.stringify({ id: `big-${i}`, title: "Big" });
        const chunk = line + " ".repeat(CHUNK - line.length - 1) + "\n";
        pulled += chunk.length;
        yield chunk;
      }
    }
    const err = await rejection(
      importItems(h.db, {
        projectId: project.id,
        actorId: null,
        source: huge(),
        format: "jsonl",
        filename: "huge.jsonl",
        unknownCategories: "create",
        maxBytes: MAX_TRPC_IMPORT_BYTES,
      }),
    );
    expect(err.message).toMatch(/larger than the 50 MB limit/);
    expect(pulled).toBeLessThanOrEqual(MAX_TRPC_IMPORT_BYTES + CHUNK);
    expect(await snapshotExceptRunLog(h)).toEqual(before);
  });
});
