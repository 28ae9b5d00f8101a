import { CAN } from "@/lib/constants";
import { projectProcedure, router } from "../trpc";
import {
  AnnotationsListMineInput,
  AnnotationsSubmitBatchInput,
  AnnotationsSubmitInput,
  AnnotationsUndoInput,
} from "../schemas/annotations";
import { submitAnnotation } from "@/server/services/annotations";
import { submitBatch } from "@/server/services/annotations";
import { undoLastDecision } from "@/server/services/annotations";
import { listMyDecisions } from "@/server/services/annotations";
import { afterDecisions } from "@/server/services/annotations";

export const annotationsRouter = router({
  submit: projectProcedure(CAN.annotate)
    .input(AnnotationsSubmitInput)
    .mutation(async ({ ctx, input }) => {
      const r = await submitAnnotation(ctx.db, { ...input, projectId: ctx.project.id, userId: ctx.user.id });
      void afterDecisions(ctx.db, ctx.project.id, { audit: r.reason === "audit" });
      return r;
    }),

  submitBatch: projectProcedure(CAN.batchReview)
    .input(AnnotationsSubmitBatchInput)
    .mutation(async ({ ctx, input }) => {
      const r = await submitBatch(ctx.db, { ...input, projectId: ctx.project.id, userId: ctx.user.id });
      void afterDecisions(ctx.db, ctx.project.id, { audit: false });
      return r;
    }),

  undo: projectProcedure(CAN.annotate)
    .input(AnnotationsUndoInput)
    .mutation(({ ctx, input }) =>
      undoLastDecision(ctx.db, { ...input, projectId: ctx.project.id, userId: ctx.user.id }),
    ),

  listMine: projectProcedure(CAN.annotate)
    .input(AnnotationsListMineInput)
    .query(({ ctx, input }) =>
      listMyDecisions(ctx.db, {
        projectId: ctx.project.id,
        userId: ctx.user.id,
        limit: input.limit,
        now: new Date(),
        tzOffsetMinutes: input.tzOffsetMinutes,
      }),
    ),
});
