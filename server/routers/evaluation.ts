/** The gold set and what blocks automation: read by every member (the overview says what to do next). */
import { CAN } from "@/lib/constants";
import { inProject, projectProcedure, router } from "../trpc";
import { EvaluationStatusInput } from "../schemas/evaluation";
import { getEvaluationStatus } from "@/server/services/evaluation";

export const evaluationRouter = router({
  status: projectProcedure(CAN.view, "read")
    .input(EvaluationStatusInput)
    .query(({ ctx, input }) => getEvaluationStatus(ctx.db, inProject(ctx, input))),
});
