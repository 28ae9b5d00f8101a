/** Inputs of the metrics router. */
import { z } from "zod";
import { boundedRange } from "./common";
import { DbId } from "./models";

const MAX_RANGE_DAYS = 366;

export const TimelineInput = boundedRange(
  {
    projectId: DbId,
    kind: z.enum(["training", "hourly"]).optional(),
    limit: z.number().int().min(1).max(1000).default(500),
  },
  MAX_RANGE_DAYS,
  true,
);
export const CurrentMetricsInput = z.object({ projectId: DbId });
