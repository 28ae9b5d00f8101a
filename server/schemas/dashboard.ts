/** Inputs of the dashboard router: a project and an optional date range, bounded. */
import { z } from "zod";
import { ProjectId } from "./common";

/** Ten years of weekly buckets is ~520 points: the most any chart draws. */
export const MAX_DASHBOARD_RANGE_DAYS = 3660;

const DateRange = z
  .object({
    projectId: ProjectId,
    /** Inclusive; absent = since the project's first activity. */
    from: z.date().optional(),
    /** Exclusive; absent = now. */
    to: z.date().optional(),
  })
  .refine((x) => !x.from || !x.to || x.from < x.to, { message: "from must be before to", path: ["to"] })
  .refine((x) => !x.from || !x.to || x.to.getTime() - x.from.getTime() <= MAX_DASHBOARD_RANGE_DAYS * 86_400_000, {
    message: `At most ${MAX_DASHBOARD_RANGE_DAYS} days`,
    path: ["to"],
  });

export const DashboardActivityInput = DateRange;
export const DashboardTrendsInput = DateRange;
export const DashboardActiveModelInput = z.object({
  projectId: ProjectId,
  confusions: z.number().int().min(1).max(50).default(10),
});
