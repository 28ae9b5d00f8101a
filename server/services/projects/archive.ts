/**
 * Projects are archived instead of deleted: annotations and the audit trail are
 * append-only (the database refuses to drop them), so "removing" a project hides it
 * from everyone, stops its jobs, and keeps every decision it holds. Instance admins
 * list archived projects and may restore them.
 */
import { asc, eq, isNotNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { projects } from "@/db/schema";
import { ConflictError, NotFoundError } from "@/server/errors";
import { recordAudit } from "@/server/services/audit";

export type ArchiveProjectInput = { actorId: number; projectId: number; archived: boolean };

export async function setProjectArchived(db: Db, p: ArchiveProjectInput) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ id: projects.id, name: projects.name, archivedAt: projects.archivedAt })
      .from(projects)
      .where(eq(projects.id, p.projectId))
      .for("update");
    if (!row) throw new NotFoundError("Project");
    if ((row.archivedAt !== null) === p.archived)
      throw new ConflictError(`"${row.name}" is ${p.archived ? "already archived" : "not archived"}`);
    const archivedAt = p.archived ? new Date() : null;
    await tx.update(projects).set({ archivedAt }).where(eq(projects.id, p.projectId));
    await recordAudit(tx, {
      projectId: p.projectId,
      actorId: p.actorId,
      action: p.archived ? "project.archive" : "project.restore",
      entityType: "project",
      entityId: p.projectId,
      before: { archivedAt: row.archivedAt },
      after: { archivedAt },
    });
    return { id: row.id, name: row.name, archivedAt };
  });
}

export async function listArchivedProjects(db: Db) {
  return db
    .select({ id: projects.id, slug: projects.slug, name: projects.name, archivedAt: projects.archivedAt })
    .from(projects)
    .where(isNotNull(projects.archivedAt))
    .orderBy(asc(projects.id));
}
