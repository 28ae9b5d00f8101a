import { CAN } from "@/lib/constants";
import { projectProcedure, router } from "../trpc";
import {
  CategoriesCreateInput,
  CategoriesListInput,
  CategoriesRemoveInput,
  CategoriesRenameInput,
} from "../schemas/categories";
import { createCategory, listCategories, removeCategory, renameCategory } from "@/server/services/categories";

export const categoriesRouter = router({
  list: projectProcedure(CAN.view)
    .input(CategoriesListInput)
    .query(({ ctx, input }) => listCategories(ctx.db, ctx.project.id, input)),

  create: projectProcedure(CAN.manageModels)
    .input(CategoriesCreateInput)
    .mutation(({ ctx, input }) => createCategory(ctx.db, ctx.user.id, ctx.project.id, input.path)),

  rename: projectProcedure(CAN.manageModels)
    .input(CategoriesRenameInput)
    .mutation(({ ctx, input }) => renameCategory(ctx.db, ctx.user.id, ctx.project.id, input.categoryId, input.path)),

  /** Soft delete: the id stays valid for existing labels and history. */
  remove: projectProcedure(CAN.manageModels)
    .input(CategoriesRemoveInput)
    .mutation(({ ctx, input }) => removeCategory(ctx.db, ctx.user.id, ctx.project.id, input.categoryId)),
});
