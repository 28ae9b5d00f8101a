import { z } from "zod";
import { Cursor, Id, Limit, ProjectId } from "./common";

/** "A > B > C"; normalised and checked segment by segment in the service. */
export const CategoryPath = z.string().min(1).max(500);

export const CategoriesListInput = z.object({
  projectId: ProjectId,
  includeDeleted: z.boolean().default(false),
  cursor: Cursor,
  limit: Limit,
});

export const CategoriesCreateInput = z.object({ projectId: ProjectId, path: CategoryPath });

export const CategoriesRenameInput = z.object({ projectId: ProjectId, categoryId: Id, path: CategoryPath });

export const CategoriesRemoveInput = z.object({ projectId: ProjectId, categoryId: Id });
