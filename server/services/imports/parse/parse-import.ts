import { limitBytes, type ByteCounter } from "./byte-limit";
import { readCsvRecords } from "./csv-records";
import { ImportTooManyRowsError, ImportValidationError } from "./errors";
import { readJsonlRecords } from "./jsonl-records";
import { validateRecord } from "./validate-row";
import type { RawRecord } from "./raw-record";
import { type ImportOptions, type ImportReport, type ImportRow, type ImportRowError, type ImportSource } from "./types";
import { IMPORT_LIMITS } from "@/lib/constants";

type ErrorLog = { kept: ImportRowError[]; total: number };

/**
 * Streams validated rows. Invalid rows are not yielded; they are collected and an
 * ImportValidationError is thrown once the stream ends (or at the first one with failFast).
 * So a caller inserting inside one transaction just lets the throw roll it back.
 * Fatal problems (ImportTooLargeError, ImportTooManyRowsError, ImportFormatError) throw
 * immediately. Returns { rows, bytes } when the whole file was valid.
 */
export async function* parseImportStream(
  source: ImportSource,
  opts: ImportOptions,
): AsyncGenerator<ImportRow, { rows: number; bytes: number }, undefined> {
  const counter: ByteCounter = { bytes: 0 };
  const rows = yield* keepValidRows(validated(readRecords(source, opts, counter), opts, opts.format === "csv"), opts);
  return { rows, bytes: counter.bytes };
}

/**
 * The same for items that arrive already parsed (an API batch): the same row validation as
 * a file's JSON lines, item n on "line" n, with no text to write and read back in between.
 * `bytes` is 0: the request's body limit has bounded them already.
 */
export async function* parseImportObjects(
  objects: readonly Record<string, unknown>[],
  opts: Omit<ImportOptions, "format" | "maxBytes">,
): AsyncGenerator<ImportRow, { rows: number; bytes: number }, undefined> {
  const records = objects.map((fields, i): RawRecord => ({ line: i + 1, fields }));
  const rows = yield* keepValidRows(validated(records, opts, false), opts);
  return { rows, bytes: 0 };
}

/** Yields the valid rows until one fails, then reads on to collect every error and throws them. */
async function* keepValidRows(
  results: AsyncIterable<RowResult>,
  opts: Pick<ImportOptions, "maxErrors" | "failFast">,
): AsyncGenerator<ImportRow, number, undefined> {
  const log: ErrorLog = { kept: [], total: 0 };
  const maxErrors = opts.maxErrors ?? IMPORT_LIMITS.maxErrors;
  let rows = 0;
  for await (const result of results) {
    rows += 1;
    if ("row" in result) {
      // Once a row has failed the import will be rolled back, so stop handing out rows
      // (saves pointless inserts) but keep reading to report every error.
      if (log.total === 0) yield result.row;
      continue;
    }
    for (const e of result.errors) {
      log.total += 1;
      if (log.kept.length < maxErrors) log.kept.push(e);
    }
    if (opts.failFast) throw new ImportValidationError(log.kept, log.total);
  }
  if (log.total > 0) throw new ImportValidationError(log.kept, log.total);
  return rows;
}

/**
 * Cheap pre-pass: reads the whole stream, validates every row and reports, without
 * keeping rows. Fatal errors (size, row cap, format) still throw.
 */
export async function validateImportStream(
  source: ImportSource,
  opts: Omit<ImportOptions, "failFast">,
): Promise<ImportReport> {
  const counter: ByteCounter = { bytes: 0 };
  const maxErrors = opts.maxErrors ?? IMPORT_LIMITS.maxErrors;
  const report: ImportReport = { ok: true, rows: 0, validRows: 0, bytes: 0, errors: [], totalErrors: 0 };
  for await (const result of validated(readRecords(source, opts, counter), opts, opts.format === "csv")) {
    if ("row" in result) {
      report.rows += 1;
      report.validRows += 1;
      continue;
    }
    report.rows += 1;
    for (const e of result.errors) {
      report.totalErrors += 1;
      if (report.errors.length < maxErrors) report.errors.push(e);
    }
  }
  report.bytes = counter.bytes;
  report.ok = report.totalErrors === 0;
  return report;
}

type RowResult = { row: ImportRow } | { errors: ImportRowError[] };

function readRecords(source: ImportSource, opts: ImportOptions, counter: ByteCounter): AsyncIterable<RawRecord> {
  const bytes = limitBytes(source, opts.maxBytes ?? IMPORT_LIMITS.maxBytes, counter);
  return opts.format === "csv"
    ? readCsvRecords(bytes, IMPORT_LIMITS.maxRecordChars)
    : readJsonlRecords(bytes, IMPORT_LIMITS.maxRecordChars);
}

async function* validated(
  records: AsyncIterable<RawRecord> | Iterable<RawRecord>,
  opts: Pick<ImportOptions, "maxRows">,
  dropEmptyAttributes: boolean,
): AsyncGenerator<RowResult> {
  const maxRows = opts.maxRows ?? IMPORT_LIMITS.maxRows;
  const firstLineOfId = new Map<string, number>();
  let count = 0;
  for await (const record of records) {
    count += 1;
    if (count > maxRows) throw new ImportTooManyRowsError(maxRows, record.line);
    if ("error" in record) {
      yield { errors: [{ line: record.line, ...record.error }] };
      continue;
    }
    const result = validateRecord(record.fields, record.line, dropEmptyAttributes);
    if (!result.ok) {
      yield { errors: result.errors };
      continue;
    }
    const { externalId, line } = result.row;
    const firstLine = firstLineOfId.get(externalId);
    if (firstLine !== undefined) {
      const message = `duplicate id "${externalId}" (first on line ${firstLine})`;
      yield { errors: [{ line, field: "id", message }] };
      continue;
    }
    firstLineOfId.set(externalId, line);
    yield { row: result.row };
  }
}
