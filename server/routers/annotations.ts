/** Decisions: one leased item at a time, many from the batch grid, undo of one's own last decision or batch, and one's own history. */
import { CAN } from "@/lib/constants";
import { inProject, projectProcedure, router } from "../trpc";
import {
  AnnotationsListMineInput,
  AnnotationsSubmitBatchInput,
  AnnotationsSubmitInput,
  AnnotationsUndoBatchInput,
  AnnotationsUndoInput,
} from "../schemas/annotations";
import {
  listMyDecisions,
  submitAnnotation,
  submitAnnotationBatch,
  undoAnnotation,
  undoAnnotationBatch,
} from "@/server/services/annotations";

export const annotationsRouter = router({
  submit: projectProcedure(CAN.annotate, "write")
    .input(AnnotationsSubmitInput)
    .mutation(({ ctx, input }) => submitAnnotation(ctx.db, inProject(ctx, input))),

  submitBatch: projectProcedure(CAN.batchReview, "write")
    .input(AnnotationsSubmitBatchInput)
    .mutation(({ ctx, input }) => submitAnnotationBatch(ctx.db, inProject(ctx, input))),

  undo: projectProcedure(CAN.annotate, "write")
    .input(AnnotationsUndoInput)
    .mutation(({ ctx, input }) => undoAnnotation(ctx.db, inProject(ctx, input))),

  undoBatch: projectProcedure(CAN.batchReview, "write")
    .input(AnnotationsUndoBatchInput)
    .mutation(({ ctx, input }) => undoAnnotationBatch(ctx.db, inProject(ctx, input))),

  listMine: projectProcedure(CAN.annotate, "read")
    .input(AnnotationsListMineInput)
    .query(({ ctx, input }) => listMyDecisions(ctx.db, inProject(ctx, input))),
});
