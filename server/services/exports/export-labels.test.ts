import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { and, eq } from "drizzle-orm";
import { auditEvents, items, labels, modelVersions } from "@/db/schema";
import { CSV_HEADER } from "./format";
import { exportLabelsText } from "@/server/services/exports/export-labels";
import { importItems } from "@/server/services/imports";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { makeProject, makeUser } from "@/test/factories";
import { fromText, jsonl } from "@/test/import-helpers";

describe.each(dbTargets())("label export on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  async function importInto(projectId: number, text: string) {
    return importItems(h.db, {
      projectId,
      actorId: null,
      source: fromText(text),
      format: "jsonl",
      filename: "t.jsonl",
      unknownCategories: "create",
    });
  }

  async function itemId(projectId: number, externalId: string): Promise<number> {
    const [row] = await h.db
      .select({ id: items.id })
      .from(items)
      .where(and(eq(items.projectId, projectId), eq(items.externalId, externalId)));
    return row!.id;
  }

  it("CSV neutralises a formula written with a full-width or compatibility sign (checked under NFKC)", async () => {
    const { project } = await makeProject(h.db, { categories: ["Plain"] });
    const titles = ['＝HYPERLINK("http://evil.example","x")', "＋1+1", "﹦cmd()", "Ｐlain full-width letter"];
    await importInto(project.id, jsonl(titles.map((title, i) => ({ id: `w${i}`, title, category: "Plain" }))));
    const text = await exportLabelsText(h.db, { projectId: project.id, actorId: null, format: "csv" });
    const [, ...rows] = parse(text) as string[][];
    expect(rows.map((r) => [r[1], r[8]])).toEqual([
      [`'${titles[0]}`, "title"],
      [`'${titles[1]}`, "title"],
      [`'${titles[2]}`, "title"],
      [titles[3], ""],
    ]);
  });

  it("CSV neutralises formula cells and carries provenance (source, annotator, model version, time)", async () => {
    const { project, categories: cats } = await makeProject(h.db, { categories: ["=Evil > Cat", "Plain"] });
    await importInto(
      project.id,
      jsonl([
        { id: "=cmd()", title: "+SUM(1,2)", category: "Plain", split: "test" },
        { id: "h1", title: "@attack", category: "Plain" },
        { id: "a1", title: "-2 for 1", category: "Plain" },
      ]),
    );
    const ann = await makeUser(h.db, { email: "ann@example.test" });
    const [mv] = await h.db
      .insert(modelVersions)
      .values({ projectId: project.id, version: 3, trigger: "manual", status: "ready" })
      .returning({ id: modelVersions.id });
    await h.db
      .update(labels)
      .set({ source: "human", userId: ann.id, categoryId: cats[0]!.id })
      .where(eq(labels.itemId, await itemId(project.id, "h1")));
    await h.db
      .update(labels)
      .set({ source: "auto", modelVersionId: mv!.id, confidence: 0.97 })
      .where(eq(labels.itemId, await itemId(project.id, "a1")));

    const text = await exportLabelsText(h.db, { projectId: project.id, actorId: ann.id, format: "csv" });
    const [header, ...rows] = parse(text) as string[][];
    expect(header).toEqual([...CSV_HEADER]);
    // Rows come in item order; a batch's items are written in external-id order (imports/writer.ts).
    expect(rows.map((r) => r.slice(0, 7))).toEqual([
      ["'=cmd()", "'+SUM(1,2)", "Plain", "test", "import", "", ""],
      ["a1", "'-2 for 1", "Plain", "pool", "auto", "", "v3"],
      ["h1", "'@attack", "'=Evil > Cat", "pool", "human", "ann@example.test", ""],
    ]);
    for (const r of rows) expect(new Date(r[7]!).toISOString()).toBe(r[7]);
    expect(rows.map((r) => r[8])).toEqual(["id title", "title", "title category"]);
    const audit = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.projectId, project.id), eq(auditEvents.action, "data.export")));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: ann.id, after: { format: "csv" } });
  });

  it("JSONL keeps raw values (no CSV quoting) and filters by source and split", async () => {
    const { project } = await makeProject(h.db, { categories: ["Plain"] });
    await importInto(
      project.id,
      jsonl([
        { id: "p1", title: "=raw", category: "Plain" },
        { id: "t1", title: "Gold", category: "Plain", split: "test" },
        { id: "u1", title: "Unlabelled", category: null },
      ]),
    );
    const all = (await exportLabelsText(h.db, { projectId: project.id, actorId: null, format: "jsonl" }))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(all.map((r) => r.id)).toEqual(["p1", "t1"]);
    expect(all[0]).toMatchObject({ title: "=raw", source: "import", annotator: null, model_version: null });
    const test = await exportLabelsText(h.db, { projectId: project.id, actorId: null, format: "jsonl", split: "test" });
    expect(
      test
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { id: string }).id),
    ).toEqual(["t1"]);
    expect(
      await exportLabelsText(h.db, { projectId: project.id, actorId: null, format: "jsonl", source: "human" }),
    ).toBe("");
  });

  it("exporting project A never contains project B's items, even with the same external ids", async () => {
    const a = await makeProject(h.db, { categories: ["Plain"] });
    const b = await makeProject(h.db, { categories: ["Plain"] });
    await importInto(a.project.id, jsonl([{ id: "same", title: "A's item", category: "Plain" }]));
    await importInto(
      b.project.id,
      jsonl([
        { id: "same", title: "B's item", category: "Plain" },
        { id: "only-b", title: "B only", category: "Plain" },
      ]),
    );
    const text = await exportLabelsText(h.db, { projectId: a.project.id, actorId: null, format: "csv" });
    expect(text).toContain("A's item");
    expect(text).not.toContain("B's item");
    expect(text).not.toContain("only-b");
  });
});
