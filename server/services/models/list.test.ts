/** The versions list names the active version and the rollback target even when they are older than the page. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { modelVersions, projects } from "@/db/schema";
import { listModels } from "@/server/services/models/list";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { makeProject } from "@/test/factories";

describe.each(dbTargets())("models list on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  it("returns the active version and the one before it although 50 newer versions fill the page", async () => {
    const { project } = await makeProject(h.db);
    const rows = await h.db
      .insert(modelVersions)
      .values(
        Array.from({ length: 55 }, (_, i) => ({
          projectId: project.id,
          version: i + 1,
          trigger: "manual" as const,
          status: i === 1 ? ("failed" as const) : ("ready" as const),
          metrics: { summary: { accuracy: 0.5 + i / 200, macroF1: null, ece: null, coverageAtTarget: null } },
        })),
      )
      .returning({ id: modelVersions.id, version: modelVersions.version });
    const byVersion = new Map(rows.map((r) => [r.version, r.id]));

    const none = await listModels(h.db, { projectId: project.id, limit: 50 });
    expect([none.active, none.previousReady]).toEqual([null, null]);

    // Rolled back far: v3 is active, v2 failed, so a rollback would go to v1.
    await h.db
      .update(projects)
      .set({ activeModelVersionId: byVersion.get(3)! })
      .where(eq(projects.id, project.id));
    const first = await listModels(h.db, { projectId: project.id, limit: 50 });
    expect(first.versions.map((v) => v.version)).toEqual(Array.from({ length: 50 }, (_, i) => 55 - i));
    expect(first.versions.some((v) => v.active)).toBe(false);
    expect(first.active).toMatchObject({ id: byVersion.get(3), version: 3, summary: { accuracy: 0.51 } });
    expect(first.previousReady).toMatchObject({ id: byVersion.get(1), version: 1 });

    const second = await listModels(h.db, { projectId: project.id, limit: 50, cursor: first.nextCursor! });
    expect(second.versions.find((v) => v.active)?.version).toBe(3);
    expect(second.active?.id).toBe(byVersion.get(3));
  });

  it("names no active version of another project", async () => {
    const { project: mine } = await makeProject(h.db);
    const { project: other } = await makeProject(h.db);
    const [foreign] = await h.db
      .insert(modelVersions)
      .values({ projectId: other.id, version: 1, trigger: "manual", status: "ready" })
      .returning({ id: modelVersions.id });
    await h.db.update(projects).set({ activeModelVersionId: foreign!.id }).where(eq(projects.id, mine.id));
    expect((await listModels(h.db, { projectId: mine.id, limit: 50 })).active).toBeNull();
  });
});
