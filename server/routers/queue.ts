import { CAN } from "../auth/roles";
import { projectProcedure, router } from "../trpc";
import { QueueExtendInput, QueueNextInput, QueueReleaseInput, QueueStatsInput } from "../schemas/queue";
import { nextItems } from "../services/queue-next";
import { extendLeases, releaseLeases } from "../services/queue-leases";
import { queueStats } from "../services/queue-status";
import { startOfDay } from "../services/annotations-list";

export const queueRouter = router({
  /** A mutation: it hands out leases. */
  next: projectProcedure(CAN.annotate)
    .input(QueueNextInput)
    .mutation(({ ctx, input }) => nextItems(ctx.db, { projectId: ctx.project.id, userId: ctx.user.id, n: input.n })),

  release: projectProcedure(CAN.annotate)
    .input(QueueReleaseInput)
    .mutation(({ ctx, input }) =>
      releaseLeases(ctx.db, { projectId: ctx.project.id, userId: ctx.user.id, leaseTokens: input.leaseTokens }),
    ),

  extend: projectProcedure(CAN.annotate)
    .input(QueueExtendInput)
    .mutation(({ ctx, input }) =>
      extendLeases(ctx.db, { projectId: ctx.project.id, userId: ctx.user.id, leaseTokens: input.leaseTokens }),
    ),

  stats: projectProcedure(CAN.view)
    .input(QueueStatsInput)
    .query(({ ctx, input }) =>
      queueStats(ctx.db, {
        projectId: ctx.project.id,
        userId: ctx.user.id,
        since: startOfDay(new Date(), input.tzOffsetMinutes),
      }),
    ),
});
