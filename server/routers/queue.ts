import { CAN } from "@/lib/constants";
import { projectProcedure, router } from "../trpc";
import { QueueExtendInput, QueueNextInput, QueueReleaseInput, QueueStatsInput } from "../schemas/queue";
import { nextItems } from "@/server/services/queue";
import { extendLeases, releaseLeases } from "@/server/services/queue";
import { queueStats } from "@/server/services/queue";
import { startOfDay } from "@/server/services/annotations";

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
