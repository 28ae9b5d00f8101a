/** Inputs of the metrics router. */
import { z } from "zod";
import { DbId } from "./models";

const MAX_RANGE_DAYS = 366;

export const TimelineInput = z
  .object({
    projectId: DbId,
    from: z.date().optional(),
    to: z.date().optional(),
    kind: z.enum(["training", "hourly"]).optional(),
    limit: z.number().int().min(1).max(1000).default(500),
  })
  .refine((x) => !x.from || !x.to || x.from <= x.to, { message: "from must be before to", path: ["to"] })
  .refine((x) => !x.from || !x.to || x.to.getTime() - x.from.getTime() <= MAX_RANGE_DAYS * 86_400_000, {
    message: `At most ${MAX_RANGE_DAYS} days`,
    path: ["to"],
  });
export const CurrentMetricsInput = z.object({ projectId: DbId });
