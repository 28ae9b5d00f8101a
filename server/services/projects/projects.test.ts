import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditEvents, categories, projects } from "@/db/schema";
import { DEFAULT_SETTINGS } from "@/server/services/projects";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, callerFor, makeProject, makeUser, TEST_SETTINGS } from "@/test/factories";
import { insertItems, setLabel } from "@/server/routers/__tests__/fixtures";

describe.each(dbTargets())("projects on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  it("an instance admin creates a project with default settings; slugs are unique and checked", async () => {
    const admin = await makeUser(h.db, { isAdmin: true });
    const api = callerFor(h.db, admin);
    const p = await api.projects.create({ slug: "shoes", name: "Shoes" });
    expect(p.settings).toEqual(DEFAULT_SETTINGS);
    const [event] = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "project.create"), eq(auditEvents.projectId, p.id)));
    expect(event).toMatchObject({ actorId: admin.id, after: { slug: "shoes" } });
    await expect(api.projects.create({ slug: "shoes", name: "Again" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: 'A project with slug "shoes" already exists',
    });
    await expect(api.projects.create({ slug: "Bad Slug!", name: "x" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const plain = await makeUser(h.db);
    await expect(callerFor(h.db, plain).projects.create({ slug: "mine", name: "Mine" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("creates a project with some settings chosen, the rest defaults; bad settings are refused at the field", async () => {
    const api = callerFor(h.db, await makeUser(h.db, { isAdmin: true }));
    const p = await api.projects.create({
      slug: "groceries",
      name: "Groceries",
      description: "Store catalogue",
      settings: { precisionTarget: 0.95, retrainEveryLabels: 50 },
    });
    expect(p).toMatchObject({ description: "Store catalogue" });
    expect(p.settings).toEqual({ ...DEFAULT_SETTINGS, precisionTarget: 0.95, retrainEveryLabels: 50 });
    await expect(
      api.projects.create({ slug: "too-sure", name: "x", settings: { precisionTarget: 1 } }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("At most 0.999") });
    await expect(
      api.projects.create({ slug: "typo", name: "x", settings: { precisionTarge: 0.9 } as never }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("lists only my projects with my role; instance admins see all as admin", async () => {
    const me = await makeUser(h.db);
    const { project: mine } = await makeProject(h.db);
    await makeProject(h.db);
    await addMember(h.db, mine.id, me.id, "reviewer");
    expect(await callerFor(h.db, me).projects.list()).toEqual([
      expect.objectContaining({ id: mine.id, role: "reviewer" }),
    ]);
    const admin = await makeUser(h.db, { isAdmin: true });
    const all = await callerFor(h.db, admin).projects.list();
    expect(all.length).toBe((await h.db.select().from(projects)).length);
    expect(all.every((p) => p.role === "admin")).toBe(true);
  });

  it("get returns settings and counts by split, label source and live categories", async () => {
    const me = await makeUser(h.db);
    const { project, categories: cats } = await makeProject(h.db);
    await addMember(h.db, project.id, me.id, "annotator");
    const pool = await insertItems(h, project.id, ["a", "b", "c"]);
    await insertItems(h, project.id, ["t"], "test");
    await setLabel(h, { projectId: project.id, itemId: pool[0]!.id, categoryId: cats[0]!.id, source: "human" });
    await setLabel(h, { projectId: project.id, itemId: pool[1]!.id, categoryId: cats[1]!.id, source: "auto" });
    await h.db.update(categories).set({ deletedAt: new Date() }).where(eq(categories.id, cats[2]!.id));
    const got = await callerFor(h.db, me).projects.get({ projectId: project.id });
    expect(got).toMatchObject({
      id: project.id,
      myRole: "annotator",
      settings: TEST_SETTINGS,
      itemCounts: { pool: 3, test: 1 },
      labelCounts: { human: 1, auto: 1, import: 0 },
      categoryCount: 2,
      activeModelVersionId: null,
    });
  });

  it("updates settings partially with before/after in the audit trail", async () => {
    const eng = await makeUser(h.db);
    const { project } = await makeProject(h.db);
    await addMember(h.db, project.id, eng.id, "ml_engineer");
    const api = callerFor(h.db, eng);
    const s = await api.projects.updateSettings({
      projectId: project.id,
      settings: { batchSize: 50, strategy: "entropy" },
    });
    expect(s).toEqual({ ...TEST_SETTINGS, batchSize: 50, strategy: "entropy" });
    const s2 = await api.projects.updateSettings({ projectId: project.id, settings: { auditRate: 0.1 } });
    expect(s2).toEqual({ ...TEST_SETTINGS, batchSize: 50, strategy: "entropy", auditRate: 0.1 });
    const events = await h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "project.update_settings"), eq(auditEvents.projectId, project.id)));
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      actorId: eng.id,
      before: { auditRate: TEST_SETTINGS.auditRate, batchSize: 50 },
      after: { auditRate: 0.1 },
    });
  });

  it("refuses out-of-range or unknown settings with the field named, and the wrong role", async () => {
    const eng = await makeUser(h.db);
    const manager = await makeUser(h.db);
    const { project } = await makeProject(h.db);
    await addMember(h.db, project.id, eng.id, "ml_engineer");
    await addMember(h.db, project.id, manager.id, "manager");
    const api = callerFor(h.db, eng);
    for (const settings of [
      { batchSize: 0 },
      { batchSize: 201 },
      { precisionTarget: 0.3 },
      { auditRate: 0.6 },
      { overlapRate: 0.6 },
      { overlapRate: -0.1 },
      { leaseMinutes: 241 },
      { hourlyCost: -1 },
      { evaluationRate: 0.6 },
      { evaluationRate: -0.01 },
      { suspectRate: 0.7 },
      { suspectRate: -1 },
      { hideSuggestionOnEvaluation: "yes" },
      { excludeSuspectsFromTraining: 1 },
    ] as Record<string, unknown>[]) {
      const err = await api.projects
        .updateSettings({ projectId: project.id, settings: settings as never })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: "BAD_REQUEST" });
      expect(JSON.stringify((err as { cause?: { issues?: unknown } }).cause?.issues)).toContain(
        Object.keys(settings)[0],
      );
    }
    await expect(
      api.projects.updateSettings({ projectId: project.id, settings: { batchsize: 5 } as never }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      callerFor(h.db, manager).projects.updateSettings({ projectId: project.id, settings: { batchSize: 5 } }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    const [row] = await h.db.select({ settings: projects.settings }).from(projects).where(eq(projects.id, project.id));
    expect(row!.settings).toEqual(TEST_SETTINGS);
  });
});
