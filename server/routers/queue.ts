/** The review queue: leases handed out, given back, kept alive, and the header counts. */
import { CAN } from "@/lib/constants";
import { inProject, projectProcedure, router } from "../trpc";
import { QueueExtendInput, QueueNextInput, QueueReleaseInput, QueueStatsInput } from "../schemas/queue";
import { extendLeases, getQueueStats, leaseNextItems, releaseLeases } from "@/server/services/queue";

export const queueRouter = router({
  /** A mutation: it hands out leases. */
  next: projectProcedure(CAN.annotate, "write")
    .input(QueueNextInput)
    .mutation(({ ctx, input }) => leaseNextItems(ctx.db, inProject(ctx, input))),

  release: projectProcedure(CAN.annotate, "write")
    .input(QueueReleaseInput)
    .mutation(({ ctx, input }) => releaseLeases(ctx.db, inProject(ctx, input))),

  extend: projectProcedure(CAN.annotate, "write")
    .input(QueueExtendInput)
    .mutation(({ ctx, input }) => extendLeases(ctx.db, inProject(ctx, input))),

  stats: projectProcedure(CAN.view, "read", { costly: true })
    .input(QueueStatsInput)
    .query(({ ctx, input }) => getQueueStats(ctx.db, inProject(ctx, input))),
});
