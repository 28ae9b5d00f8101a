import { z } from "zod";
import { ProjectId } from "./common";

export const ProjectsGetInput = z.object({ projectId: ProjectId });

export const ProjectsCreateInput = z.object({
  slug: z
    .string()
    .trim()
    .min(2)
    .max(64)
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "Slug must be lowercase letters, digits and single dashes"),
  name: z.string().trim().min(1).max(200),
  description: z.string().trim().max(2000).default(""),
});

/** Each setting with its bounds: the input's, and what the settings reader accepts from storage. */
export const SettingsFields = z.object({
  strategy: z.enum(["least_confidence", "margin", "entropy", "random"]),
  diversity: z.boolean(),
  batchSize: z.number().int().min(1).max(200),
  precisionTarget: z.number().min(0.5).max(0.999),
  auditRate: z.number().min(0).max(0.5),
  overlapRate: z.number().min(0).max(0.5),
  leaseMinutes: z.number().int().min(1).max(240),
  retrainEveryLabels: z.number().int().min(0).max(100_000),
  retrainScheduleMinutes: z.number().int().min(0).max(10_080),
  activationMargin: z.number().min(0).max(0.5),
  hourlyCost: z.number().min(0).max(10_000),
});

/** Every field optional: a partial update; strict so a typo is an error, not a silent no-op. */
export const SettingsPatch = SettingsFields.partial().strict();

export const ProjectsUpdateSettingsInput = z.object({ projectId: ProjectId, settings: SettingsPatch });
