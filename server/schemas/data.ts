import { z } from "zod";
import { Cursor, Limit, ProjectId } from "./common";

/** Uploads through tRPC are bounded; larger files go through the streaming upload route or the CLI. */
export const MAX_TRPC_IMPORT_BYTES = 50 * 1024 * 1024;

export const ImportFormat = z.enum(["jsonl", "csv"]);
export const UnknownCategories = z.enum(["create", "reject"]);

export const DataImportFileInput = z.object({
  projectId: ProjectId,
  filename: z.string().trim().min(1).max(255),
  format: ImportFormat,
  /** Characters, not bytes: the service also caps the UTF-8 bytes at the same figure while streaming. */
  content: z.string().max(MAX_TRPC_IMPORT_BYTES),
  unknownCategories: UnknownCategories.default("create"),
});

export const DataImportsInput = z.object({ projectId: ProjectId, cursor: Cursor, limit: Limit });

/** Options of the streaming download route (POST /api/projects/:projectId/export): form fields or query string. */
export const DataExportQuery = z.object({
  format: z.enum(["csv", "jsonl"]).default("csv"),
  source: z.enum(["human", "auto", "import"]).optional(),
  split: z.enum(["pool", "test"]).optional(),
});

/** Query string of the streaming upload route (POST /api/projects/:projectId/import). */
export const DataImportQuery = z.object({
  format: ImportFormat.optional(),
  unknownCategories: UnknownCategories.default("create"),
});

export const RouteProjectId = ProjectId;

/** Items per upsert call: a batch is one transaction, like a file. */
export const MAX_UPSERT_ITEMS = 1_000;

/**
 * One item as the import reads it (`id`, `title`, `description`, `category` as
 * "A > B > C", `split`; any other field is kept as an attribute). The import's
 * own row validator checks it again, field by field, as for a file.
 */
export const UpsertItem = z
  .object({
    id: z.union([z.string().min(1).max(200), z.number().int()]),
    title: z.string().min(1).max(2_000),
    description: z.string().max(20_000).nullable().optional(),
    category: z.string().max(500).nullable().optional(),
    split: z.enum(["pool", "test"]).optional(),
  })
  .catchall(z.unknown());

export const DataUpsertItemsInput = z.object({
  projectId: ProjectId,
  items: z.array(UpsertItem).min(1).max(MAX_UPSERT_ITEMS),
  unknownCategories: UnknownCategories.default("reject"),
});
