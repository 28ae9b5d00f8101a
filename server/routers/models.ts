/** Model versions: reads for metric viewers, training and activation for ML engineers and admins. */
import { CAN } from "@/lib/constants";
import { projectProcedure, router } from "../trpc";
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
import { dispatchJob } from "../jobs/dispatch";
import { compareModels, getModel, getProgress, listModels } from "@/server/services/models";
import { activateVersion, rollbackVersion } from "@/server/services/models";
import { requestTraining } from "@/server/services/training";
import { recalibrate } from "@/server/services/calibration";

const read = projectProcedure(CAN.viewMetrics);
const manage = projectProcedure(CAN.manageModels);

export const modelsRouter = router({
  list: read.input(ListModelsInput).query(({ ctx, input }) => listModels(ctx.db, input)),
  get: read.input(ModelRefInput).query(({ ctx, input }) => getModel(ctx.db, input)),
  progress: read.input(ProgressInput).query(({ ctx, input }) => getProgress(ctx.db, input)),
  compare: read.input(CompareInput).query(({ ctx, input }) => compareModels(ctx.db, input)),
  /** However often it is called, the project has at most one queued or running run. */
  train: manage
    .input(TrainInput)
    .mutation(({ ctx, input }) =>
      requestTraining(ctx.db, { projectId: input.projectId, trigger: "manual", actorId: ctx.user.id }),
    ),
  activate: manage
    .input(ActivateInput)
    .mutation(({ ctx, input }) =>
      activateVersion(ctx.db, {
        projectId: input.projectId,
        versionId: input.versionId,
        actorId: ctx.user.id,
        reason: "manual",
      }),
    ),
  rollback: manage
    .input(RollbackInput)
    .mutation(({ ctx, input }) => rollbackVersion(ctx.db, { ...input, actorId: ctx.user.id })),
  /** Queued for the worker; without one (worker off) it is cheap enough to run in the request. */
  recalibrate: manage.input(RecalibrateInput).mutation(async ({ ctx, input }) => {
    const job = { projectId: input.projectId, reason: "manual" as const, actorId: ctx.user.id };
    if (await dispatchJob("recalibrate", job)) return { queued: true, result: null };
    return { queued: false, result: await recalibrate(ctx.db, job) };
  }),
});
