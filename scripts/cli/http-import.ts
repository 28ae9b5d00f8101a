/**
 * `import` with --url: the file is validated here first, by the import's own
 * parser (a bad row names its line and nothing is sent), then upserted through
 * POST /api/v1/projects/{id}/items in batches the server takes (1,000 items,
 * under 1 MiB). Each batch is atomic and idempotent by external id, the whole
 * file is not: if a batch fails, the ones before it stay, and running the same
 * import again finishes it without duplicates.
 */
import { createReadStream } from "node:fs";
import { formatRowError, parseImportStream, validateImportStream } from "@/server/services/imports";
import type { ImportRow } from "@/server/services/imports";
import { CliError, type ItemImport, type ItemImportResult } from "./transport";

const MAX_ITEMS = 1_000;
const MAX_BODY_BYTES = 900 * 1024; // under the server's 1 MiB, with room for the envelope

type Batch = { created: number; updated: number; labels: number; categoriesCreated: number; rows: number };
export type SendBatch = (items: Record<string, unknown>[]) => Promise<Batch>;

const toItem = (r: ImportRow): Record<string, unknown> => ({
  ...r.attributes,
  id: r.externalId,
  title: r.title,
  description: r.description,
  category: r.categoryPath,
  split: r.split,
});

export async function importOverHttp(input: ItemImport, send: SendBatch): Promise<ItemImportResult> {
  const started = Date.now();
  const report = await validateImportStream(createReadStream(input.file), { format: input.format });
  if (!report.ok) {
    throw new CliError(
      `import refused, nothing was sent: ${report.totalErrors} bad row(s)`,
      report.errors.slice(0, 20).map(formatRowError),
    );
  }
  const total: ItemImportResult = { rows: 0, created: 0, updated: 0, labels: 0, categoriesCreated: 0, ms: 0 };
  let batch: Record<string, unknown>[] = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const r = await send(batch).catch((err: unknown) => {
      const at = total.rows;
      const e = err instanceof CliError ? err : new CliError(String(err));
      throw new CliError(`${e.message} (the first ${at} rows were imported; run the import again to finish)`, e.lines);
    });
    total.rows += r.rows;
    total.created += r.created;
    total.updated += r.updated;
    total.labels += r.labels;
    total.categoriesCreated += r.categoriesCreated;
    input.onProgress({ rows: total.rows, elapsedMs: Date.now() - started });
    batch = [];
    bytes = 0;
  };
  for await (const row of parseImportStream(createReadStream(input.file), { format: input.format })) {
    const item = toItem(row);
    const size = Buffer.byteLength(JSON.stringify(item)) + 1;
    if (batch.length >= MAX_ITEMS || (bytes + size > MAX_BODY_BYTES && batch.length > 0)) await flush();
    batch.push(item);
    bytes += size;
  }
  await flush();
  return { ...total, ms: Date.now() - started };
}
