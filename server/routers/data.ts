/** Import and export of items and labels. */
import { CAN } from "@/lib/constants";
import { DataExportLabelsInput, DataImportFileInput, DataImportsInput, MAX_TRPC_IMPORT_BYTES } from "../schemas/data";
import { exportLabelsText } from "@/server/services/exports";
import { importItems, listImports, textSource } from "@/server/services/imports";
import { projectProcedure, router } from "../trpc";

export const dataRouter = router({
  /** Whole file in one transaction; a bad row → BAD_REQUEST with details.errors (line, field, message; first 100). */
  importFile: projectProcedure(CAN.importData)
    .input(DataImportFileInput)
    .mutation(({ ctx, input }) =>
      importItems(ctx.db, {
        projectId: ctx.project.id,
        actorId: ctx.user.id,
        source: textSource(input.content),
        format: input.format,
        filename: input.filename,
        unknownCategories: input.unknownCategories,
        maxBytes: MAX_TRPC_IMPORT_BYTES,
      }),
    ),

  imports: projectProcedure(CAN.importData)
    .input(DataImportsInput)
    .query(({ ctx, input }) =>
      listImports(ctx.db, { projectId: ctx.project.id, cursor: input.cursor, limit: input.limit }),
    ),

  /** A mutation because it writes an audit event; returns the text (bounded, see MAX_EXPORT_TEXT_BYTES). */
  exportLabels: projectProcedure(CAN.exportData)
    .input(DataExportLabelsInput)
    .mutation(async ({ ctx, input }) => {
      const text = await exportLabelsText(ctx.db, { ...input, projectId: ctx.project.id, actorId: ctx.user.id });
      return { format: input.format, text };
    }),
});
