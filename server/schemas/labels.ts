import { z } from "zod";
import { ProjectId } from "./common";

/** The cursor's format is the labels service's rule; here only a bound. */
export const LabelsChangesInput = z.object({
  projectId: ProjectId,
  since: z.string().min(1).max(60).optional(),
  limit: z.number().int().min(1).max(10_000).default(1_000),
});
