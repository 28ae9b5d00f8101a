/**
 * The audit trail is append-only in the database itself (migration 0011): annotations and
 * audit events can be inserted, never updated, deleted or truncated, nor dropped by a
 * cascading project or item delete, whatever code or person holds the connection.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { count, eq, sql } from "drizzle-orm";
import { annotations, auditEvents, items, projects } from "@/db/schema";
import { recordAudit } from "@/server/services/audit";
import { addAnnotation } from "@/server/routers/__tests__/fixtures";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { makeItems, makeProject, makeUser } from "@/test/factories";

describe.each(dbTargets())("append-only history on $name", (target) => {
  let h: TestDb;
  let projectId: number;
  let itemId: number;
  let annotationId: number;

  beforeAll(async () => {
    h = await createTestDb(target);
    const user = await makeUser(h.db);
    const { project, categories } = await makeProject(h.db, { categories: ["A", "B"] });
    projectId = project.id;
    const [item] = await makeItems(h.db, projectId, 1);
    itemId = item!.id;
    annotationId = await addAnnotation(h, { projectId, itemId, userId: user.id, categoryId: categories[0]!.id });
    await recordAudit(h.db, {
      projectId,
      actorId: user.id,
      action: "test.event",
      entityType: "item",
      entityId: itemId,
    });
  });
  afterAll(async () => h?.drop());

  /**
   * Drizzle wraps the database's error; the trigger's message is on its cause. A project or
   * item delete is stopped first by the history's `restrict` foreign keys (migration 0016).
   */
  const refused = (query: PromiseLike<unknown>, why = /append-only/) =>
    expect(
      Promise.resolve(query).then(
        () => "accepted",
        (e: { cause?: { message?: string }; message?: string }) => e.cause?.message ?? e.message,
      ),
    ).resolves.toMatch(why);

  const counts = async () => ({
    annotations: (await h.db.select({ n: count() }).from(annotations))[0]!.n,
    audit: (await h.db.select({ n: count() }).from(auditEvents))[0]!.n,
  });

  it("refuses to change or remove an annotation", async () => {
    const before = await counts();
    await refused(h.db.update(annotations).set({ categoryId: null }).where(eq(annotations.id, annotationId)));
    await refused(h.db.delete(annotations).where(eq(annotations.id, annotationId)));
    await refused(h.db.execute(sql`truncate ${annotations}`));
    expect(await counts()).toEqual(before);
  });

  it("refuses to change or remove an audit event", async () => {
    const before = await counts();
    await refused(h.db.update(auditEvents).set({ action: "rewritten" }).where(eq(auditEvents.projectId, projectId)));
    await refused(h.db.delete(auditEvents).where(eq(auditEvents.projectId, projectId)));
    await refused(h.db.execute(sql`truncate ${auditEvents}`));
    expect(await counts()).toEqual(before);
  });

  it("refuses a project or item delete that would cascade into the history", async () => {
    const before = await counts();
    await refused(h.db.delete(items).where(eq(items.id, itemId)), /foreign key|append-only/);
    await refused(h.db.delete(projects).where(eq(projects.id, projectId)), /foreign key|append-only/);
    expect(await counts()).toEqual(before);
    expect(await h.db.select({ id: items.id }).from(items).where(eq(items.id, itemId))).toHaveLength(1);
  });

  it("still takes new rows", async () => {
    const before = await counts();
    await recordAudit(h.db, { projectId, actorId: null, action: "test.more", entityType: "item", entityId: itemId });
    expect((await counts()).audit).toBe(before.audit + 1);
  });
});
