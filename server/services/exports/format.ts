import { stringify } from "csv-stringify/sync";
import { NEUTRALISED_COLUMN, neutraliseCell, type Split } from "@/server/services/imports";

/** One exported label with provenance. Values are as stored; formatting happens here. */
export type LabelExportRow = {
  id: string;
  title: string;
  category: string | null;
  split: Split;
  /** Where the label came from, e.g. "human", "model", "import". */
  source: string | null;
  annotator: string | null;
  modelVersion: string | null;
  labelledAt: Date | string | null;
};

export const EXPORT_COLUMNS = [
  "id",
  "title",
  "category",
  "split",
  "source",
  "annotator",
  "model_version",
  "labelled_at",
] as const;

export type ExportColumn = (typeof EXPORT_COLUMNS)[number];
export type ExportRecord = Record<ExportColumn, string | null>;

type RowSource = AsyncIterable<LabelExportRow> | Iterable<LabelExportRow>;

export function toExportRecord(row: LabelExportRow): ExportRecord {
  const labelledAt = row.labelledAt instanceof Date ? row.labelledAt.toISOString() : row.labelledAt;
  return {
    id: row.id,
    title: row.title,
    category: row.category,
    split: row.split,
    source: row.source,
    annotator: row.annotator,
    model_version: row.modelVersion,
    labelled_at: labelledAt,
  };
}

/**
 * Spreadsheet apps evaluate cells starting with = + - @ (and tab/CR, which they strip
 * first) as formulas. A leading quote makes them plain text. Applied to every cell,
 * negative numbers included: the price is a visible quote, the benefit is no injection.
 * Each row names its quoted cells in NEUTRALISED_COLUMN, so Loupe's import can take the quotes off again.
 */
export const neutraliseCsvCell = neutraliseCell;

/** The CSV header: the export columns and the marker of neutralised cells. */
export const CSV_HEADER = [...EXPORT_COLUMNS, NEUTRALISED_COLUMN] as const;

function csvCells(record: ExportRecord): string[] {
  const quoted: string[] = [];
  const cells = EXPORT_COLUMNS.map((c) => {
    const raw = record[c] ?? "";
    const safe = neutraliseCell(raw);
    if (safe !== raw) quoted.push(c);
    return safe;
  });
  return [...cells, quoted.join(" ")];
}

/** CSV text chunks (header first), one chunk per `batchSize` rows so memory stays flat. */
export async function* toCsvChunks(
  rows: RowSource,
  opts: { header?: boolean; batchSize?: number } = {},
): AsyncGenerator<string> {
  const batchSize = opts.batchSize ?? 500;
  if (opts.header ?? true) yield stringify([[...CSV_HEADER]]);
  let batch: string[][] = [];
  for await (const row of rows) {
    batch.push(csvCells(toExportRecord(row)));
    if (batch.length >= batchSize) {
      yield stringify(batch);
      batch = [];
    }
  }
  if (batch.length > 0) yield stringify(batch);
}

/** One JSON object per line with the same snake_case keys as the CSV; nulls kept as null. */
export async function* toJsonlChunks(rows: RowSource): AsyncGenerator<string> {
  for await (const row of rows) yield `${JSON.stringify(toExportRecord(row))}\n`;
}
