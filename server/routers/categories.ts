/** The taxonomy: anyone in the project reads it; ML engineers and admins change it. */
import { CAN } from "@/lib/constants";
import { inProject, projectProcedure, router } from "../trpc";
import {
  CategoriesCreateInput,
  CategoriesImportInput,
  CategoriesListInput,
  CategoriesRemoveInput,
  CategoriesRenameInput,
} from "../schemas/categories";
import {
  createCategory,
  importTaxonomy,
  listCategories,
  removeCategory,
  renameCategory,
} from "@/server/services/categories";

export const categoriesRouter = router({
  list: projectProcedure(CAN.view, "read")
    .input(CategoriesListInput)
    .query(({ ctx, input }) => listCategories(ctx.db, inProject(ctx, input))),

  create: projectProcedure(CAN.manageModels, "write")
    .input(CategoriesCreateInput)
    .mutation(({ ctx, input }) => createCategory(ctx.db, inProject(ctx, input))),

  rename: projectProcedure(CAN.manageModels, "write")
    .input(CategoriesRenameInput)
    .mutation(({ ctx, input }) => renameCategory(ctx.db, inProject(ctx, input))),

  /** Soft delete: the id stays valid for existing labels and history. */
  remove: projectProcedure(CAN.manageModels, "write")
    .input(CategoriesRemoveInput)
    .mutation(({ ctx, input }) => removeCategory(ctx.db, inProject(ctx, input))),

  /** A whole taxonomy file: preview with dryRun, then all of it in one transaction or nothing. */
  import: projectProcedure(CAN.manageModels, "write")
    .input(CategoriesImportInput)
    .mutation(({ ctx, input }) => importTaxonomy(ctx.db, inProject(ctx, input))),
});
