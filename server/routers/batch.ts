/** The batch-review grid's reads; its decisions go through annotations.submitBatch. */
import { CAN } from "@/lib/constants";
import { inProject, projectProcedure, router } from "../trpc";
import { BatchFacetsInput, BatchListInput } from "../schemas/batch";
import { listBatch, listBatchFacets } from "@/server/services/batch";

export const batchRouter = router({
  list: projectProcedure(CAN.batchReview, "read", { costly: true })
    .input(BatchListInput)
    .query(({ ctx, input }) => listBatch(ctx.db, inProject(ctx, input))),

  facets: projectProcedure(CAN.batchReview, "read", { costly: true })
    .input(BatchFacetsInput)
    .query(({ ctx, input }) => listBatchFacets(ctx.db, inProject(ctx, input))),
});
