/** Projects and what a user can see of them. */
import { and, asc, count, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { categories, items, labels, memberships, modelVersions, projects, type ProjectSettings } from "@/db/schema";
import { tableAs } from "@/db/sql";
import { ConflictError, NotFoundError } from "@/server/errors";
import { recordAudit } from "@/server/services/audit";
import type { Role } from "@/lib/constants";
import type { SessionUser } from "@/server/services/auth";
import { DEFAULT_SETTINGS, withDefaults, type Settings } from "./settings";

export type ProjectSummary = { id: number; slug: string; name: string; description: string; role: Role };

export type ListMyProjectsInput = {
  actor: Pick<SessionUser, "id" | "isAdmin">;
  /** Only these (an API token limited to some projects); null or omitted: all of them. */
  onlyProjectIds?: number[] | null;
};

/** The actor's projects with their role (every project, as admin, for instance admins). */
export async function listMyProjects(db: Db, p: ListMyProjectsInput): Promise<ProjectSummary[]> {
  const user = p.actor;
  const base = { id: projects.id, slug: projects.slug, name: projects.name, description: projects.description };
  const only = and(isNull(projects.archivedAt), p.onlyProjectIds ? inArray(projects.id, p.onlyProjectIds) : undefined);
  if (user.isAdmin) {
    const rows = await db.select(base).from(projects).where(only).orderBy(asc(projects.id));
    return rows.map((r) => ({ ...r, role: "admin" as const }));
  }
  return db
    .select({ ...base, role: memberships.role })
    .from(memberships)
    .innerJoin(projects, eq(projects.id, memberships.projectId))
    .where(and(eq(memberships.userId, user.id), only))
    .orderBy(asc(projects.id));
}

export async function getProjectBySlug(db: Db, p: { slug: string }) {
  const { slug } = p;
  const [row] = await db
    .select({ id: projects.id, slug: projects.slug, name: projects.name })
    .from(projects)
    .where(eq(projects.slug, slug))
    .limit(1);
  return row ?? null;
}

/** The project page's header: settings and the counts that say where the loop stands. */
export type GetProjectOverviewInput = { projectId: number };

const amv = tableAs(modelVersions, "amv");

export async function getProjectOverview(db: Db, p: GetProjectOverviewInput) {
  const { projectId } = p;
  const [project] = await db
    .select({
      id: projects.id,
      slug: projects.slug,
      name: projects.name,
      description: projects.description,
      settings: projects.settings,
      activeModelVersionId: projects.activeModelVersionId,
      /** The active version's number within the project, as every page shows it (not its row id). */
      activeModelVersion: sql<
        number | null
      >`(select ${amv.t.version} from ${amv.from} where ${amv.t.id} = ${projects.activeModelVersionId})`,
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
    settings: withDefaults(project.settings),
    itemCounts,
    labelCounts,
    categoryCount: cats?.n ?? 0,
  };
}

export type CreateProjectInput = {
  /** null: the command line (`npm run loupe -- project create` without --as). */
  actorId: number | null;
  slug: string;
  name: string;
  description?: string;
  /** Validated by the caller (SettingsPatch); left-out fields take their default. */
  settings?: Partial<ProjectSettings>;
};

export async function createProject(db: Db, p: CreateProjectInput) {
  const { actorId } = p;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(projects)
      .values({ slug: p.slug, name: p.name, description: p.description ?? "", settings: startingSettings(p.settings) })
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

function startingSettings(chosen: Partial<ProjectSettings> = {}): Settings {
  const given = Object.entries(chosen).filter(([, v]) => v !== undefined);
  return { ...DEFAULT_SETTINGS, ...Object.fromEntries(given) };
}
