/**
 * The batch writer behind every import (files, uploads and the demo seed): categories,
 * then items, then labels, each as one multi-row statement per batch, inside the
 * caller's transaction. It never commits: atomicity is the caller's transaction.
 */
import { writeImportLabels } from "@/server/services/labels";
import { and, eq, isNull, sql } from "drizzle-orm";
import { executeRows, type DbOrTx } from "@/db/client";
import { categories, items } from "@/db/schema";
import { col, cols, excluded } from "@/db/sql";
import type { ImportRow } from "./parse";
import { ImportRejectedError } from "./errors";

export type UnknownCategoryPolicy = "create" | "reject";

export type WriteCounts = {
  rows: number;
  created: number;
  updated: number;
  /** Import labels written, new or replacing an import/auto label. */
  labels: number;
  /** Rows whose category was not applied because the item already had a human label. */
  humanLabelsKept: number;
  /** New categories, plus soft-deleted ones the file brought back. */
  categoriesCreated: number;
};

export type ImportWriter = {
  write: (batch: readonly ImportRow[]) => Promise<void>;
  counts: WriteCounts;
  /** Reject mode: unknown path → first line it appears on. */
  unknown: Map<string, number>;
};

type WriterOptions = { projectId: number; unknownCategories: UnknownCategoryPolicy };

export async function createImportWriter(tx: DbOrTx, opts: WriterOptions): Promise<ImportWriter> {
  const categoryIds = await loadLiveCategories(tx, opts.projectId);
  const counts: WriteCounts = { rows: 0, created: 0, updated: 0, labels: 0, humanLabelsKept: 0, categoriesCreated: 0 };
  const unknown = new Map<string, number>();
  const write = async (batch: readonly ImportRow[]) => {
    counts.rows += batch.length;
    const missing = missingPaths(batch, categoryIds);
    if (opts.unknownCategories === "reject") {
      for (const [path, line] of missing) if (!unknown.has(path)) unknown.set(path, line);
    } else if (missing.size > 0) {
      // Sorted, so concurrent single-batch runs lock new paths in one order (import-items.ts).
      counts.categoriesCreated += await ensureCategories(tx, opts.projectId, [...missing.keys()].sort(), categoryIds);
    }
    // Once the import is doomed (it will be rolled back), skip the writes but keep reading to list every unknown path.
    if (unknown.size > 0) return;
    const itemIds = await upsertItems(tx, opts.projectId, batch, counts);
    await upsertImportLabels(tx, opts.projectId, batch, itemIds, categoryIds, counts);
  };
  return { write, counts, unknown };
}

async function loadLiveCategories(tx: DbOrTx, projectId: number): Promise<Map<string, number>> {
  const rows = await tx
    .select({ id: categories.id, path: categories.path })
    .from(categories)
    .where(and(eq(categories.projectId, projectId), isNull(categories.deletedAt)));
  return new Map(rows.map((r) => [r.path, r.id]));
}

/** Paths of this batch not in the cache, with the first line each appears on. */
function missingPaths(batch: readonly ImportRow[], known: Map<string, number>): Map<string, number> {
  const missing = new Map<string, number>();
  for (const row of batch) {
    const path = row.categoryPath;
    if (path !== null && !known.has(path) && !missing.has(path)) missing.set(path, row.line);
  }
  return missing;
}

/**
 * Creates the paths as given (leaf paths; no ancestors). A soft-deleted category with the
 * same path is brought back rather than duplicated: the path is the category's identity.
 * Upsert rather than insert so a concurrent import of the same path cannot fail us.
 */
export async function ensureCategories(
  tx: DbOrTx,
  projectId: number,
  paths: readonly string[],
  cache: Map<string, number>,
): Promise<number> {
  if (paths.length === 0) return 0;
  const rows = await tx
    .insert(categories)
    .values(paths.map((path) => ({ projectId, path, name: path.split(" > ").pop() ?? path })))
    .onConflictDoUpdate({ target: [categories.projectId, categories.path], set: { deletedAt: null } })
    .returning({ id: categories.id, path: categories.path });
  for (const r of rows) cache.set(r.path, r.id);
  return rows.length;
}

/**
 * Insert or update on (project_id, external_id); xmax = 0 marks a freshly inserted row.
 * The batch travels as ONE jsonb parameter unpacked by jsonb_to_recordset: several times
 * faster than thousands of bind parameters on both drivers (measured, see bench/README.md).
 */
async function upsertItems(
  tx: DbOrTx,
  projectId: number,
  batch: readonly ImportRow[],
  counts: WriteCounts,
): Promise<Map<string, number>> {
  const json = jsonRows(batch, (r) => ({
    external_id: r.externalId,
    title: r.title,
    description: r.description,
    attributes: r.attributes,
    split: r.split,
  }));
  const i = items;
  const rows = await executeRows<{ id: number; external_id: string; inserted: boolean }>(
    tx,
    sql`insert into ${i} ${cols(i.projectId, i.externalId, i.title, i.description, i.attributes, i.split)}
        select ${projectId}, x.external_id, x.title, x.description, coalesce(x.attributes, '{}'::jsonb), x.split
        from jsonb_to_recordset(${json}::jsonb) as x(external_id text, title text, description text, attributes jsonb, split item_split)
        -- Rows locked in key order, so concurrent single-batch upserts cannot deadlock (import-items.ts).
        order by x.external_id
        on conflict (${col(i.projectId)}, ${col(i.externalId)}) do update set
          ${col(i.title)} = ${excluded(i.title)}, ${col(i.description)} = ${excluded(i.description)},
          ${col(i.attributes)} = ${excluded(i.attributes)}, ${col(i.split)} = ${excluded(i.split)}, ${col(i.updatedAt)} = now()
        returning ${col(i.id)}, ${col(i.externalId)}, (xmax = 0) as inserted`,
  );
  const ids = new Map<string, number>();
  for (const r of rows) {
    ids.set(r.external_id, Number(r.id));
    if (r.inserted) counts.created += 1;
    else counts.updated += 1;
  }
  return ids;
}

/** Rows with a category become `import` labels (the labels domain decides what they may replace). */
async function upsertImportLabels(
  tx: DbOrTx,
  projectId: number,
  batch: readonly ImportRow[],
  itemIds: Map<string, number>,
  categoryIds: Map<string, number>,
  counts: WriteCounts,
): Promise<void> {
  const values: { item_id: number; category_id: number }[] = [];
  for (const r of batch) {
    if (r.categoryPath === null) continue;
    const itemId = itemIds.get(r.externalId);
    const categoryId = categoryIds.get(r.categoryPath);
    if (itemId === undefined || categoryId === undefined) throw new Error(`import: unresolved row on line ${r.line}`);
    values.push({ item_id: itemId, category_id: categoryId });
  }
  const written = await writeImportLabels(tx, projectId, values);
  counts.labels += written;
  counts.humanLabelsKept += values.length - written;
}

/**
 * One JSON array for the batch. Postgres text and jsonb cannot hold U+0000, so a row with
 * one is refused here with its line, instead of failing the statement with no line at all.
 */
/** `\u0000` as JSON.stringify writes it, not preceded by an escaping backslash. */
const ESCAPED_NUL = /(?<!\\)(?:\\\\)*\\u0000/;

function jsonRows(batch: readonly ImportRow[], shape: (r: ImportRow) => Record<string, unknown>): string {
  const parts = batch.map((r) => {
    const text = JSON.stringify(shape(r));
    if (ESCAPED_NUL.test(text))
      throw new ImportRejectedError(
        `line ${r.line}: contains a NUL character`,
        [{ line: r.line, field: null, message: "contains a NUL character (U+0000)" }],
        1,
      );
    return text;
  });
  return `[${parts.join(",")}]`;
}
