import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, callerFor, makeProject, makeUser } from "@/test/factories";
import { csv, jsonl, manyLines, projectCounts } from "@/test/import-helpers";

describe.each(dbTargets())("data router on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  async function setup() {
    const { project } = await makeProject(h.db);
    const ml = await makeUser(h.db);
    const annotator = await makeUser(h.db);
    await addMember(h.db, project.id, ml.id, "ml_engineer");
    await addMember(h.db, project.id, annotator.id, "annotator");
    return { projectId: project.id, ml: callerFor(h.db, ml), annotator: callerFor(h.db, annotator) };
  }

  it("importFile returns the report; data.imports lists the run", async () => {
    const { projectId, ml } = await setup();
    const report = await ml.data.importFile({
      projectId,
      filename: "items.csv",
      format: "csv",
      content: csv(manyLines(10)),
    });
    expect(report).toMatchObject({ rows: 10, created: 10, labels: 8 });
    const { imports } = await ml.data.imports({ projectId });
    expect(imports[0]).toMatchObject({
      id: report.importId,
      filename: "items.csv",
      status: "succeeded",
      rowCount: 10,
      labelCount: 8,
    });
  });

  it("a bad file is a BAD_REQUEST whose details list line/field errors; nothing written; the refusal shows in the history", async () => {
    const { projectId, ml } = await setup();
    const before = await projectCounts(h, projectId);
    const lines = manyLines(5);
    const content = jsonl(lines)
      .replace('"title":"Item 3"', '"title":""')
      .replace('"split":"pool"}\n{"id":"it-5"', '"split":"nope"}\n{"id":"it-5"');
    const err = await ml.data
      .importFile({ projectId, filename: "bad.jsonl", format: "jsonl", content })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe("BAD_REQUEST");
    const details = ((err as TRPCError).cause as { details?: { errors: unknown[]; totalErrors: number } }).details;
    expect(details?.errors).toEqual([
      { line: 3, field: "title", message: "required" },
      { line: 4, field: "split", message: 'must be "pool" or "test"' },
    ]);
    expect(await projectCounts(h, projectId)).toEqual({ ...before, failedImports: 1 });
    const { imports } = await ml.data.imports({ projectId });
    expect(imports[0]).toMatchObject({ status: "failed", filename: "bad.jsonl", errors: details?.errors });
  });

  it("annotators cannot import", async () => {
    const { projectId, annotator } = await setup();
    await expect(
      annotator.data.importFile({ projectId, filename: "x.jsonl", format: "jsonl", content: jsonl(manyLines(1)) }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await projectCounts(h, projectId)).items).toBe(0);
  });
});
