import { z } from "zod";
import { SettingsFields } from "@/lib/settings-schema";
import { ProjectId } from "./common";

export { SettingsFields };

/** Every field optional: a partial update; strict so a typo is an error, not a silent no-op. */
export const SettingsPatch = SettingsFields.partial().strict();

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
  /** The settings to start with; every field left out takes its default. */
  settings: SettingsPatch.optional(),
});

export const ProjectsUpdateSettingsInput = z.object({ projectId: ProjectId, settings: SettingsPatch });

export const ProjectsArchiveInput = z.object({ projectId: ProjectId, archived: z.boolean() });
