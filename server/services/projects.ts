/** Projects and what a user can see of them. */
import { asc, eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { memberships, projects, type ProjectSettings } from "@/db/schema";
import type { Role } from "../auth/roles";
import type { SessionUser } from "./auth";

export const DEFAULT_SETTINGS: ProjectSettings = {
  strategy: "margin",
  diversity: true,
  batchSize: 20,
  precisionTarget: 0.98,
  auditRate: 0.05,
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
