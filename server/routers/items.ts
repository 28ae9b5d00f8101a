/** Items of a project: a filtered page, and one item with its history. */
import { CAN } from "@/lib/constants";
import { inProject, projectProcedure, router } from "../trpc";
import { ItemsGetInput, ItemsListInput, ItemsPredictionsInput } from "../schemas/items";
import { getItem, listItems, predictionsFor } from "@/server/services/items";

export const itemsRouter = router({
  list: projectProcedure(CAN.view, "read", { costly: true })
    .input(ItemsListInput)
    .query(({ ctx, input }) => listItems(ctx.db, { ...inProject(ctx, input), viewerRole: ctx.project.role })),

  get: projectProcedure(CAN.view, "read")
    .input(ItemsGetInput)
    .query(({ ctx, input }) => getItem(ctx.db, { ...inProject(ctx, input), viewerRole: ctx.project.role })),

  /** The active version's prediction and the current label of items named by external id (who may export labels). */
  predictions: projectProcedure(CAN.exportData, "read")
    .input(ItemsPredictionsInput)
    .query(({ ctx, input }) => predictionsFor(ctx.db, inProject(ctx, input))),
});
