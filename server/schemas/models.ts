/** Inputs of the models router: one named schema per procedure, every number bounded. */
import { z } from "zod";

// Local bounds (server/schemas/common.ts was not committed when this landed).
export const DbId = z.number().int().positive().max(2_147_483_647);
const ProjectRef = { projectId: DbId };

export const ListModelsInput = z.object({
  ...ProjectRef,
  limit: z.number().int().min(1).max(100).default(50),
  cursor: DbId.optional(),
});
export const ModelRefInput = z.object({ ...ProjectRef, versionId: DbId });
export const ProgressInput = z.object({ ...ProjectRef, versionId: DbId.optional() });
export const TrainInput = z.object({ ...ProjectRef });
export const ActivateInput = z.object({ ...ProjectRef, versionId: DbId });
export const RollbackInput = z.object({ ...ProjectRef, versionId: DbId.optional() });
export const CompareInput = z
  .object({ ...ProjectRef, a: DbId, b: DbId })
  .refine((x) => x.a !== x.b, { message: "Pick two different versions", path: ["b"] });
export const RecalibrateInput = z.object({ ...ProjectRef });
