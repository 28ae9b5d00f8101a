/** Inputs of the dashboard router: a project and an optional date range, bounded. */
import { z } from "zod";
import { boundedRange, ProjectId } from "./common";

/** Ten years of weekly buckets is ~520 points: the most any chart draws. */
export const MAX_DASHBOARD_RANGE_DAYS = 3660;

/** `from` inclusive (absent = since the project's first activity), `to` exclusive (absent = now). */
const DateRange = boundedRange({ projectId: ProjectId }, MAX_DASHBOARD_RANGE_DAYS);

export const DashboardActivityInput = DateRange;
export const DashboardTrendsInput = DateRange;
export const DashboardActiveModelInput = z.object({
  projectId: ProjectId,
  confusions: z.number().int().min(1).max(50).default(10),
});
