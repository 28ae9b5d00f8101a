/** Model versions: reads for metric viewers, training and activation for ML engineers and admins. */
import { CAN } from "@/lib/constants";
import { inProject, projectProcedure, router } from "../trpc";
import {
  ActivateInput,
  CompareInput,
  ListModelsInput,
  ModelRefInput,
  ProgressInput,
  RecalibrateInput,
  RollbackInput,
  TrainInput,
} from "../schemas/models";
import { requestRecalibration } from "@/server/services/calibration";
import {
  activateVersion,
  compareModels,
  getModel,
  getTrainingProgress,
  listModels,
  rollbackVersion,
} from "@/server/services/models";
import { requestTraining } from "@/server/services/training";

const read = projectProcedure(CAN.viewMetrics, "read");
const manage = projectProcedure(CAN.manageModels, "ml");

export const modelsRouter = router({
  list: read.input(ListModelsInput).query(({ ctx, input }) => listModels(ctx.db, inProject(ctx, input))),
  get: read.input(ModelRefInput).query(({ ctx, input }) => getModel(ctx.db, inProject(ctx, input))),
  progress: read.input(ProgressInput).query(({ ctx, input }) => getTrainingProgress(ctx.db, inProject(ctx, input))),
  compare: read.input(CompareInput).query(({ ctx, input }) => compareModels(ctx.db, inProject(ctx, input))),
  /** However often it is called, the project has at most one queued or running run. */
  train: manage
    .input(TrainInput)
    .mutation(({ ctx, input }) => requestTraining(ctx.db, { ...inProject(ctx, input), trigger: "manual" })),
  activate: manage
    .input(ActivateInput)
    .mutation(({ ctx, input }) => activateVersion(ctx.db, { ...inProject(ctx, input), reason: "manual" })),
  rollback: manage.input(RollbackInput).mutation(({ ctx, input }) => rollbackVersion(ctx.db, inProject(ctx, input))),
  recalibrate: manage
    .input(RecalibrateInput)
    .mutation(({ ctx, input }) => requestRecalibration(ctx.db, inProject(ctx, input))),
});
