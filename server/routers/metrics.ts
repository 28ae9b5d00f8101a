/** Project metrics over time and now. */
import { CAN } from "@/lib/constants";
import { inProject, projectProcedure, router } from "../trpc";
import { CurrentMetricsInput, TimelineInput } from "../schemas/metrics";
import { getCurrentMetrics, listMetricTimeline } from "@/server/services/metrics";

const read = projectProcedure(CAN.viewMetrics, "read", { costly: true });

export const metricsRouter = router({
  timeline: read.input(TimelineInput).query(({ ctx, input }) => listMetricTimeline(ctx.db, inProject(ctx, input))),
  current: read.input(CurrentMetricsInput).query(({ ctx, input }) => getCurrentMetrics(ctx.db, inProject(ctx, input))),
});
