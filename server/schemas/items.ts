import { z } from "zod";
import { Cursor, Id, Limit, ProjectId, SearchText } from "./common";

export const ItemsListInput = z.object({
  projectId: ProjectId,
  split: z.enum(["pool", "test"]).optional(),
  labelSource: z.enum(["human", "auto", "import"]).optional(),
  categoryId: Id.optional(),
  /** Case-insensitive substring of the title. */
  search: SearchText,
  hasLabel: z.boolean().optional(),
  cursor: Cursor,
  limit: Limit,
});

export const ItemsGetInput = z.object({ projectId: ProjectId, itemId: Id });

/** External ids to look up: as many as an upsert batch. */
export const ItemsPredictionsInput = z.object({
  projectId: ProjectId,
  externalIds: z.array(z.string().min(1).max(200)).min(1).max(1_000),
});
