import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { projects } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { makeProject } from "@/test/factories";
import { DEFAULT_SETTINGS, getProjectSettings, withDefaults } from "./settings";

describe("withDefaults", () => {
  it("completes settings stored before a field existed, and replaces mistyped values", () => {
    const { overlapRate: _o, hourlyCost: _h, ...old } = DEFAULT_SETTINGS;
    expect(withDefaults({ ...old, batchSize: 7 })).toEqual({ ...DEFAULT_SETTINGS, batchSize: 7 });
    expect(withDefaults({ strategy: "bogus", batchSize: "20", diversity: 1, auditRate: null })).toEqual(
      DEFAULT_SETTINGS,
    );
    expect(withDefaults(null)).toEqual(DEFAULT_SETTINGS);
    expect(withDefaults("not an object")).toEqual(DEFAULT_SETTINGS);
  });
});

describe.each(dbTargets())("getProjectSettings on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  it("reads what is stored, with the defaults of what is not, and NOT_FOUND for no project", async () => {
    const { project } = await makeProject(h.db);
    await h.db
      .update(projects)
      .set({ settings: { strategy: "entropy", leaseMinutes: 3 } as never })
      .where(eq(projects.id, project.id));
    expect(await getProjectSettings(h.db, { projectId: project.id })).toEqual({
      ...DEFAULT_SETTINGS,
      strategy: "entropy",
      leaseMinutes: 3,
    });
    await expect(getProjectSettings(h.db, { projectId: 999_999 })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
