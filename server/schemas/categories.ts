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

/** A taxonomy file's text: 1 MB is thousands of paths, far past any real taxonomy. */
export const CategoriesImportInput = z.object({
  projectId: ProjectId,
  text: z.string().max(1024 * 1024, "The file is over 1 MB: a taxonomy is at most a few thousand paths"),
  format: z.enum(["text", "csv"]),
  /** Also create every parent path ("A", "A > B" for "A > B > C") as a category of its own. */
  parents: z.boolean().default(false),
  /** true: only say what the import would do, and which lines it refuses. */
  dryRun: z.boolean(),
});
