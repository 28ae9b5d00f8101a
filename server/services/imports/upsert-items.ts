/**
 * Items sent by a pipeline in a batch (REST, tRPC): written by the file import
 * itself, as a JSON lines file's records, so a batch gets exactly the same row
 * validation, the same one-transaction atomicity and the same upsert by external
 * id (sending a batch again changes nothing but the update count). Line n is items[n - 1].
 */
import type { Db } from "@/db/client";
import { IMPORT_BATCH_SIZE, importItems, type ImportResult } from "./import-items";
import type { UnknownCategoryPolicy } from "./writer";

export type UpsertItemsInput = {
  projectId: number;
  actorId: number;
  items: Record<string, unknown>[];
  unknownCategories: UnknownCategoryPolicy;
};

export async function upsertItems(db: Db, p: UpsertItemsInput): Promise<ImportResult> {
  return importItems(db, {
    projectId: p.projectId,
    actorId: p.actorId,
    source: { objects: p.items },
    format: "jsonl",
    filename: `api: ${p.items.length} items`,
    unknownCategories: p.unknownCategories,
    singleBatch: p.items.length <= IMPORT_BATCH_SIZE,
  });
}
