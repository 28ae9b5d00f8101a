/** Current labels as a change feed for pipelines. */
import { CAN } from "@/lib/constants";
import { inProject, projectProcedure, router } from "../trpc";
import { LabelsChangesInput } from "../schemas/labels";
import { pullLabelChanges } from "@/server/services/labels";

export const labelsRouter = router({
  /** Label changes after a cursor, with provenance (who may export labels). */
  changes: projectProcedure(CAN.exportData, "read")
    .input(LabelsChangesInput)
    .query(({ ctx, input }) => pullLabelChanges(ctx.db, inProject(ctx, input))),
});
