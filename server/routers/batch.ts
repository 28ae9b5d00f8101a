import { CAN } from "@/lib/constants";
import { projectProcedure, router } from "../trpc";
import { BatchFacetsInput, BatchListInput } from "../schemas/batch";
import { listBatch } from "@/server/services/batch";
import { batchFacets } from "@/server/services/batch";

/** The batch-review grid's reads; its decisions go through annotations.submitBatch. */
export const batchRouter = router({
  list: projectProcedure(CAN.batchReview)
    .input(BatchListInput)
    .query(({ ctx, input }) => listBatch(ctx.db, { ...input, projectId: ctx.project.id, userId: ctx.user.id })),

  facets: projectProcedure(CAN.batchReview)
    .input(BatchFacetsInput)
    .query(({ ctx }) => batchFacets(ctx.db, ctx.project.id)),
});
