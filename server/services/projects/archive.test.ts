/** Archiving is the only way to "delete" a project: hidden and inert, history kept, restorable. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { annotations, projects } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, callerFor, makeItems, makeProject, makeUser } from "@/test/factories";

describe.each(dbTargets())("archiving projects on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  it("hides an archived project from its members, keeps its decisions, and restores it", async () => {
    const admin = await makeUser(h.db, { isAdmin: true });
    const annotator = await makeUser(h.db);
    const { project, categories } = await makeProject(h.db);
    await addMember(h.db, project.id, annotator.id, "annotator");
    await makeItems(h.db, project.id, 3);
    const asAnnotator = callerFor(h.db, annotator);
    const next = await asAnnotator.queue.next({ projectId: project.id });
    const handed = "items" in next ? next.items[0] : undefined;
    if (!handed) throw new Error("expected an item to annotate");
    await asAnnotator.annotations.submit({
      projectId: project.id,
      itemId: handed.item.id,
      leaseToken: handed.lease.token,
      idempotencyKey: randomUUID(),
      action: "correct",
      categoryId: categories[0]?.id,
      timeSpentMs: 1000,
    });

    // Only instance admins archive.
    await expect(asAnnotator.projects.setArchived({ projectId: project.id, archived: true })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const asAdmin = callerFor(h.db, admin);
    await asAdmin.projects.setArchived({ projectId: project.id, archived: true });
    await expect(asAdmin.projects.setArchived({ projectId: project.id, archived: true })).rejects.toMatchObject({
      code: "CONFLICT",
    });

    await expect(asAnnotator.projects.get({ projectId: project.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(asAdmin.queue.stats({ projectId: project.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await asAnnotator.projects.list()).map((p) => p.id)).not.toContain(project.id);
    expect((await asAdmin.projects.list()).map((p) => p.id)).not.toContain(project.id);
    expect((await asAdmin.projects.archived()).map((p) => p.id)).toContain(project.id);

    // The decision is still there, and the database refuses to drop it with the project.
    const kept = await h.db.select().from(annotations).where(eq(annotations.projectId, project.id));
    expect(kept).toHaveLength(1);
    await expect(h.db.delete(projects).where(eq(projects.id, project.id))).rejects.toThrow();
    expect(await h.db.select().from(annotations).where(eq(annotations.projectId, project.id))).toHaveLength(1);

    await asAdmin.projects.setArchived({ projectId: project.id, archived: false });
    expect(await asAnnotator.projects.get({ projectId: project.id })).toMatchObject({ id: project.id });
    const trail = await h.db.execute(
      sql`select action from audit_events where entity_type = 'project' and entity_id = ${String(project.id)} order by id`,
    );
    const actions = (Array.isArray(trail) ? trail : (trail as { rows: { action: string }[] }).rows).map(
      (r) => (r as { action: string }).action,
    );
    expect(actions).toEqual(["project.archive", "project.restore"]);
  });
});
