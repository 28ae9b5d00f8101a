/**
 * A project's settings: the one reader, with the defaults, and the one writer.
 * Stored settings are a JSON object that older projects wrote with fewer
 * fields; every field missing or of the wrong type reads as its default, so
 * every caller sees the same complete settings.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db, DbOrTx } from "@/db/client";
import { projects, type ProjectSettings } from "@/db/schema";
import { NotFoundError } from "@/server/errors";
import { SettingsFields } from "@/server/schemas/projects";
import { recordAudit } from "@/server/services/audit";

export type Settings = Required<ProjectSettings>;

export const DEFAULT_SETTINGS: Settings = {
  strategy: "margin",
  diversity: true,
  batchSize: 20,
  precisionTarget: 0.98,
  auditRate: 0.05,
  overlapRate: 0,
  evaluationRate: null,
  hideSuggestionOnEvaluation: true,
  revealAuditSource: false,
  // Half the slots left after audits and evaluation picks: a slot with no open suspect goes to the sampling
  // strategy, so a project without suspects loses nothing, and a catalogue imported with wrong legacy labels
  // gets its most likely errors looked at first (at 5%, 94%-precise suspects left 94% of the wrong labels standing).
  suspectRate: 0.5,
  excludeSuspectsFromTraining: false,
  leaseMinutes: 10,
  retrainEveryLabels: 200,
  retrainScheduleMinutes: 0,
  activationMargin: 0.01,
  hourlyCost: 30,
};

// Bounds are the input's job (SettingsPatch); a stored value is kept whenever it has the right type.
const d = DEFAULT_SETTINGS;
const Stored = z.object({
  strategy: SettingsFields.shape.strategy.catch(d.strategy),
  diversity: z.boolean().catch(d.diversity),
  batchSize: z.number().catch(d.batchSize),
  precisionTarget: z.number().catch(d.precisionTarget),
  auditRate: z.number().catch(d.auditRate),
  overlapRate: z.number().catch(d.overlapRate),
  evaluationRate: z.number().nullable().catch(d.evaluationRate),
  hideSuggestionOnEvaluation: z.boolean().catch(d.hideSuggestionOnEvaluation),
  revealAuditSource: z.boolean().catch(d.revealAuditSource),
  suspectRate: z.number().catch(d.suspectRate),
  excludeSuspectsFromTraining: z.boolean().catch(d.excludeSuspectsFromTraining),
  leaseMinutes: z.number().catch(d.leaseMinutes),
  retrainEveryLabels: z.number().catch(d.retrainEveryLabels),
  retrainScheduleMinutes: z.number().catch(d.retrainScheduleMinutes),
  activationMargin: z.number().catch(d.activationMargin),
  hourlyCost: z.number().catch(d.hourlyCost),
});

/** The stored settings object, completed: absent or mistyped fields take their default. */
export function withDefaults(stored: unknown): Settings {
  const parsed = Stored.safeParse(typeof stored === "object" && stored !== null ? stored : {});
  return parsed.success ? parsed.data : DEFAULT_SETTINGS;
}

export type GetProjectSettingsInput = { projectId: number };

export async function getProjectSettings(db: DbOrTx, p: GetProjectSettingsInput): Promise<Settings> {
  const [row] = await db
    .select({ settings: projects.settings })
    .from(projects)
    .where(eq(projects.id, p.projectId))
    .limit(1);
  if (!row) throw new NotFoundError("Project");
  return withDefaults(row.settings);
}

export type UpdateProjectSettingsInput = { projectId: number; actorId: number; settings: Partial<ProjectSettings> };

/** Partial update under a row lock, so two concurrent edits of different fields both survive. */
export async function updateProjectSettings(db: Db, p: UpdateProjectSettingsInput): Promise<Settings> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ settings: projects.settings })
      .from(projects)
      .where(eq(projects.id, p.projectId))
      .for("update");
    if (!current) throw new NotFoundError("Project");
    const before = withDefaults(current.settings);
    const after: Settings = { ...before, ...definedOnly(p.settings) };
    await tx.update(projects).set({ settings: after }).where(eq(projects.id, p.projectId));
    await recordAudit(tx, {
      projectId: p.projectId,
      actorId: p.actorId,
      action: "project.update_settings",
      entityType: "project",
      entityId: p.projectId,
      before,
      after,
    });
    return after;
  });
}

/** `{ batchSize: undefined }` must not erase a stored value. */
function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
