import { z } from "zod";
import { BATCH_LABEL_STATES, BATCH_REASONS, BATCH_SORTS } from "@/lib/constants";
import { Id, ProjectId } from "./common";
import { CategoryPath } from "./categories";

const Probability = z.number().min(0).max(1);

/**
 * The keyset cursor: the sort value and item id of the last row shown.
 * Margins are probabilities differences, so they share the [0, 1] bound.
 */
const BatchCursor = z.object({ value: Probability, itemId: Id });

export const BatchListInput = z
  .object({
    projectId: ProjectId,
    /** The active model's predicted category. */
    categoryId: Id.optional(),
    /** A parent path ("Frozen"): predictions of any category at or under it. */
    within: CategoryPath.trim().optional(),
    minConfidence: Probability.optional(),
    maxConfidence: Probability.optional(),
    reason: z.enum(BATCH_REASONS).default("all"),
    labelState: z.enum(BATCH_LABEL_STATES).default("any"),
    sort: z.enum(BATCH_SORTS).default("confidence_desc"),
    cursor: BatchCursor.optional(),
    /** A screenful for a reviewer, not an export. */
    limit: z.number().int().min(1).max(200).default(100),
  })
  .refine((v) => v.minConfidence === undefined || v.maxConfidence === undefined || v.minConfidence <= v.maxConfidence, {
    message: "The lowest confidence must not be above the highest",
    path: ["minConfidence"],
  });

export const BatchFacetsInput = z.object({ projectId: ProjectId });
