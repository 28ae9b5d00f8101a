import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditEvents, leases, memberships } from "@/db/schema";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { addMember, callerFor, makeProject, makeUser } from "@/test/factories";
import { insertItems } from "@/server/routers/__tests__/fixtures";

describe.each(dbTargets())("members on $name", (target) => {
  let h: TestDb;
  beforeAll(async () => {
    h = await createTestDb(target);
  });
  afterAll(async () => h?.drop());

  async function setup() {
    const admin = await makeUser(h.db);
    const { project } = await makeProject(h.db);
    await addMember(h.db, project.id, admin.id, "admin");
    return { admin, projectId: project.id, api: callerFor(h.db, admin) };
  }
  const audit = (projectId: number, action: string) =>
    h.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.projectId, projectId), eq(auditEvents.action, action)));

  it("adds by email, changes role by id, with before/after audit events", async () => {
    const { admin, projectId, api } = await setup();
    const ann = await makeUser(h.db, { email: "ann.member@example.test" });
    expect(await api.members.set({ projectId, email: "ANN.member@example.test", role: "annotator" })).toMatchObject({
      userId: ann.id,
      role: "annotator",
      changed: true,
    });
    expect(await api.members.set({ projectId, userId: ann.id, role: "reviewer" })).toMatchObject({
      role: "reviewer",
      changed: true,
    });
    expect(await api.members.set({ projectId, userId: ann.id, role: "reviewer" })).toMatchObject({ changed: false });
    expect(await audit(projectId, "member.add")).toMatchObject([
      { actorId: admin.id, entityId: String(ann.id), before: null, after: { role: "annotator" } },
    ]);
    expect(await audit(projectId, "member.change_role")).toMatchObject([
      { before: { role: "annotator" }, after: { role: "reviewer" } },
    ]);
    const list = await api.members.list({ projectId });
    expect(list.members.map((m) => [m.email, m.role])).toEqual([
      [admin.email, "admin"],
      ["ann.member@example.test", "reviewer"],
    ]);
    expect(JSON.stringify(list)).not.toContain("argon2");
  });

  it("by id only reaches existing members; unknown emails and ambiguous input are clear errors", async () => {
    const { projectId, api } = await setup();
    const outsider = await makeUser(h.db);
    await expect(api.members.set({ projectId, userId: outsider.id, role: "admin" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "Member not found",
    });
    await expect(api.members.set({ projectId, email: "nobody@example.test", role: "annotator" })).rejects.toMatchObject(
      {
        code: "NOT_FOUND",
        message: "User with that email not found",
      },
    );
    await expect(
      api.members.set({ projectId, email: outsider.email, userId: outsider.id, role: "annotator" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(api.members.set({ projectId, email: outsider.email, role: "owner" as never })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(await h.db.select().from(memberships).where(eq(memberships.userId, outsider.id))).toEqual([]);
  });

  it("an admin cannot demote or remove themself", async () => {
    const { admin, projectId, api } = await setup();
    await expect(api.members.set({ projectId, userId: admin.id, role: "manager" })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
    });
    await expect(api.members.remove({ projectId, userId: admin.id })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: "You cannot remove your own admin role; ask another admin",
    });
    expect(await api.members.list({ projectId })).toMatchObject({ members: [{ userId: admin.id, role: "admin" }] });
  });

  it("remove deletes the membership, frees the member's leases here, and is audited", async () => {
    const { projectId, api } = await setup();
    const gone = await makeUser(h.db);
    await addMember(h.db, projectId, gone.id, "annotator");
    const [item] = await insertItems(h, projectId, ["held"]);
    await h.db.insert(leases).values({
      itemId: item!.id,
      projectId,
      userId: gone.id,
      reason: "uncertain",
      expiresAt: new Date(Date.now() + 600_000),
    });
    expect(await api.members.remove({ projectId, userId: gone.id })).toEqual({ userId: gone.id, removed: true });
    expect(await h.db.select().from(leases).where(eq(leases.userId, gone.id))).toEqual([]);
    expect(await audit(projectId, "member.remove")).toMatchObject([
      { entityId: String(gone.id), before: { role: "annotator" }, after: null },
    ]);
    await expect(api.members.remove({ projectId, userId: gone.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("only project admins manage members", async () => {
    const { projectId } = await setup();
    const manager = await makeUser(h.db);
    await addMember(h.db, projectId, manager.id, "manager");
    const api = callerFor(h.db, manager);
    await expect(api.members.list({ projectId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(api.members.set({ projectId, userId: manager.id, role: "admin" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const [m] = await h.db.select().from(memberships).where(eq(memberships.userId, manager.id));
    expect(m!.role).toBe("manager");
  });
});
