import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { makeProject, makeUser } from "@/test/factories";
import { recordAudit } from "@/server/services/audit/events";
import { listAuditFacets } from "@/server/services/audit/facets";

describe.each(dbTargets())("audit facets on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  it("offers only the actions, entity types and actors of the project's own events", async () => {
    const a = (await makeProject(h.db, { name: "A" })).project.id;
    const b = (await makeProject(h.db, { name: "B" })).project.id;
    const zoe = await makeUser(h.db, { name: "Zoe" });
    const adam = await makeUser(h.db, { name: "Adam" });
    const eve = await makeUser(h.db, { name: "Eve" });
    await recordAudit(h.db, {
      projectId: a,
      actorId: zoe.id,
      action: "data.import",
      entityType: "import",
      entityId: 1,
    });
    await recordAudit(h.db, {
      projectId: a,
      actorId: adam.id,
      action: "data.export",
      entityType: "project",
      entityId: a,
    });
    await recordAudit(h.db, {
      projectId: a,
      actorId: zoe.id,
      action: "data.import",
      entityType: "import",
      entityId: 2,
    });
    await recordAudit(h.db, {
      projectId: a,
      actorId: null,
      action: "labels.auto_accept",
      entityType: "model_version",
      entityId: 9,
    });
    await recordAudit(h.db, {
      projectId: b,
      actorId: eve.id,
      action: "member.set",
      entityType: "membership",
      entityId: 3,
    });
    const f = await listAuditFacets(h.db, { projectId: a });
    expect(f.actions).toEqual(["data.export", "data.import", "labels.auto_accept"]);
    expect(f.entityTypes).toEqual(["import", "model_version", "project"]);
    expect(f.actors).toEqual([
      { id: adam.id, name: "Adam" },
      { id: zoe.id, name: "Zoe" },
    ]);
  });
});
