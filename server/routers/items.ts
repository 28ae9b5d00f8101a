import { CAN } from "@/lib/constants";
import { projectProcedure, router } from "../trpc";
import { ItemsGetInput, ItemsListInput } from "../schemas/items";
import { getItem, listItems } from "@/server/services/items";

export const itemsRouter = router({
  list: projectProcedure(CAN.view)
    .input(ItemsListInput)
    .query(({ ctx, input }) => listItems(ctx.db, ctx.project.id, input)),

  get: projectProcedure(CAN.view)
    .input(ItemsGetInput)
    .query(({ ctx, input }) => getItem(ctx.db, ctx.project.id, input.itemId)),
});
