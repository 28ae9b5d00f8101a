/** Projects and what a user can see of them. */
import { and, asc, count, eq, isNull } from "drizzle-orm";
import type { Db } from "@/db/client";
import { categories, items, labels, memberships, projects, type ProjectSettings } from "@/db/schema";
import { ConflictError, NotFoundError } from "@/server/errors";
import { recordAudit } from "@/server/services/audit";
import type { Role } from "@/lib/constants";
import type { SessionUser } from "@/server/services/auth";

export const DEFAULT_SETTINGS: Required<ProjectSettings> = {
  strategy: "margin",
  diversity: true,
  batchSize: 20,
  precisionTarget: 0.98,
  auditRate: 0.05,
  overlapRate: 0,
  leaseMinutes: 10,
  retrainEveryLabels: 200,
  retrainScheduleMinutes: 0,
  activationMargin: 0.01,
  hourlyCost: 30,
};

export type ProjectSummary = { id: number; slug: string; name: string; description: string; role: Role };

export async function listMyProjects(db: Db, user: SessionUser): Promise<ProjectSummary[]> {
  const base = { id: projects.id, slug: projects.slug, name: projects.name, description: projects.description };
  if (user.isAdmin) {
    const rows = await db.select(base).from(projects).orderBy(asc(projects.id));
    return rows.map((r) => ({ ...r, role: "admin" as const }));
  }
  return db
    .select({ ...base, role: memberships.role })
    .from(memberships)
    .innerJoin(projects, eq(projects.id, memberships.projectId))
    .where(eq(memberships.userId, user.id))
    .orderBy(asc(projects.id));
}

export async function getProjectBySlug(db: Db, slug: string) {
  const [row] = await db
    .select({ id: projects.id, slug: projects.slug, name: projects.name })
    .from(projects)
    .where(eq(projects.slug, slug))
    .limit(1);
  return row ?? null;
}

/** The project page's header: settings and the counts that say where the loop stands. */
export async function getProjectOverview(db: Db, projectId: number) {
  const [project] = await db
    .select({
      id: projects.id,
      slug: projects.slug,
      name: projects.name,
      description: projects.description,
      settings: projects.settings,
      activeModelVersionId: projects.activeModelVersionId,
      createdAt: projects.createdAt,
    })
    .from(projects)
    .where(eq(projects.id, projectId))
    .limit(1);
  if (!project) throw new NotFoundError("Project");
  const [bySplit, bySource, [cats]] = await Promise.all([
    db
      .select({ split: items.split, n: count() })
      .from(items)
      .where(eq(items.projectId, projectId))
      .groupBy(items.split),
    db
      .select({ source: labels.source, n: count() })
      .from(labels)
      .where(eq(labels.projectId, projectId))
      .groupBy(labels.source),
    db
      .select({ n: count() })
      .from(categories)
      .where(and(eq(categories.projectId, projectId), isNull(categories.deletedAt))),
  ]);
  const itemCounts = { pool: 0, test: 0 };
  for (const r of bySplit) itemCounts[r.split] = r.n;
  const labelCounts = { human: 0, auto: 0, import: 0 };
  for (const r of bySource) labelCounts[r.source] = r.n;
  return {
    ...project,
    settings: { ...DEFAULT_SETTINGS, ...project.settings },
    itemCounts,
    labelCounts,
    categoryCount: cats?.n ?? 0,
  };
}

export async function createProject(db: Db, actorId: number, p: { slug: string; name: string; description?: string }) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(projects)
      .values({ slug: p.slug, name: p.name, description: p.description ?? "", settings: DEFAULT_SETTINGS })
      .onConflictDoNothing({ target: projects.slug })
      .returning({
        id: projects.id,
        slug: projects.slug,
        name: projects.name,
        description: projects.description,
        settings: projects.settings,
      });
    if (!row) throw new ConflictError(`A project with slug "${p.slug}" already exists`);
    await recordAudit(tx, {
      projectId: row.id,
      actorId,
      action: "project.create",
      entityType: "project",
      entityId: row.id,
      after: row,
    });
    return row;
  });
}

/** Partial update under a row lock, so two concurrent edits of different fields both survive. */
export async function updateProjectSettings(
  db: Db,
  actorId: number,
  projectId: number,
  patch: Partial<ProjectSettings>,
) {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ settings: projects.settings })
      .from(projects)
      .where(eq(projects.id, projectId))
      .for("update");
    if (!current) throw new NotFoundError("Project");
    const before = { ...DEFAULT_SETTINGS, ...current.settings };
    const after: ProjectSettings = { ...before, ...definedOnly(patch) };
    const [row] = await tx
      .update(projects)
      .set({ settings: after })
      .where(eq(projects.id, projectId))
      .returning({ settings: projects.settings });
    await recordAudit(tx, {
      projectId,
      actorId,
      action: "project.update_settings",
      entityType: "project",
      entityId: projectId,
      before,
      after,
    });
    // With the defaults of fields added since the project was created, as projects.get returns them.
    return { ...DEFAULT_SETTINGS, ...row!.settings };
  });
}

/** `{ batchSize: undefined }` must not erase a stored value. */
function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
