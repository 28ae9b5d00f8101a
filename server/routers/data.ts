/** Import and export of items and labels. */
import { CAN } from "@/lib/constants";
import { DataImportFileInput, DataImportsInput, DataUpsertItemsInput, MAX_TRPC_IMPORT_BYTES } from "../schemas/data";
import { importItems, listImports, textSource, upsertItems } from "@/server/services/imports";
import { inProject, projectProcedure, router } from "../trpc";

export const dataRouter = router({
  /** Whole file in one transaction; a bad row → BAD_REQUEST with details.errors (line, field, message; first 100). */
  importFile: projectProcedure(CAN.importData, "write")
    .input(DataImportFileInput)
    .mutation(({ ctx, input }) =>
      importItems(ctx.db, {
        ...inProject(ctx, { projectId: input.projectId }),
        source: textSource(input.content),
        format: input.format,
        filename: input.filename,
        unknownCategories: input.unknownCategories,
        maxBytes: MAX_TRPC_IMPORT_BYTES,
      }),
    ),

  /** A batch of items, upserted by external id with the import's validation, all or nothing. */
  upsertItems: projectProcedure(CAN.importData, "write")
    .input(DataUpsertItemsInput)
    .mutation(({ ctx, input }) => upsertItems(ctx.db, inProject(ctx, input))),

  imports: projectProcedure(CAN.importData, "read")
    .input(DataImportsInput)
    .query(({ ctx, input }) => listImports(ctx.db, inProject(ctx, input))),
});
