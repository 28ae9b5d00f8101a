/** Finding (or, on request, creating) the target project of a command-line import or export. */
import { eq, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import { projects } from "@/db/schema";
import { NotFoundError } from "@/server/errors";
import { recordAudit } from "@/server/services/audit";
import { DEFAULT_SETTINGS } from "./settings";

export type ProjectRef = { id: number; slug: string; name: string };

/** Slugs are unique; names are not, so a slug match wins and an ambiguous name is refused. */
export async function findProjectBySlugOrName(db: Db, nameOrSlug: string): Promise<ProjectRef | null> {
  const rows = await db
    .select({ id: projects.id, slug: projects.slug, name: projects.name })
    .from(projects)
    .where(or(eq(projects.slug, nameOrSlug), eq(projects.name, nameOrSlug)))
    .limit(10);
  const bySlug = rows.find((r) => r.slug === nameOrSlug);
  if (bySlug) return bySlug;
  if (rows.length > 1) throw new NotFoundError(`A single project named "${nameOrSlug}" (several match; use the slug)`);
  return rows[0] ?? null;
}

export function slugFromName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64)
    .replace(/-+$/, "");
  return slug.length >= 2 ? slug : `project-${slug || "x"}`;
}

/** Command-line creation: no actor, same audit event as the UI's. Idempotent on the slug. */
export async function ensureProjectForCli(db: Db, nameOrSlug: string): Promise<ProjectRef & { created: boolean }> {
  const existing = await findProjectBySlugOrName(db, nameOrSlug);
  if (existing) return { ...existing, created: false };
  return db.transaction(async (tx) => {
    const slug = slugFromName(nameOrSlug);
    const [row] = await tx
      .insert(projects)
      .values({ slug, name: nameOrSlug, settings: DEFAULT_SETTINGS })
      .onConflictDoNothing({ target: projects.slug })
      .returning({ id: projects.id, slug: projects.slug, name: projects.name });
    if (!row) throw new NotFoundError(`Project "${nameOrSlug}" (its slug "${slug}" is taken by another project)`);
    await recordAudit(tx, {
      projectId: row.id,
      actorId: null,
      action: "project.create",
      entityType: "project",
      entityId: row.id,
      after: row,
    });
    return { ...row, created: true };
  });
}
