/** The manager's dashboard: aggregations over a date range for metric viewers. */
import { CAN } from "@/lib/constants";
import { inProject, projectProcedure, router } from "../trpc";
import { DashboardActiveModelInput, DashboardActivityInput, DashboardTrendsInput } from "../schemas/dashboard";
import { getActiveModelQuality, getDashboardActivity, getDashboardTrends } from "@/server/services/dashboard";

const read = projectProcedure(CAN.viewMetrics, "read", { costly: true });

export const dashboardRouter = router({
  activity: read
    .input(DashboardActivityInput)
    .query(({ ctx, input }) => getDashboardActivity(ctx.db, inProject(ctx, input))),
  trends: read.input(DashboardTrendsInput).query(({ ctx, input }) => getDashboardTrends(ctx.db, inProject(ctx, input))),
  activeModel: read
    .input(DashboardActiveModelInput)
    .query(({ ctx, input }) => getActiveModelQuality(ctx.db, inProject(ctx, input))),
});
