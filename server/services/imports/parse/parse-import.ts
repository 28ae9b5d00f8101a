import { limitBytes, type ByteCounter } from "./byte-limit";
import { readCsvRecords } from "./csv-records";
import { ImportTooManyRowsError, ImportValidationError } from "./errors";
import { readJsonlRecords } from "./jsonl-records";
import { validateRecord } from "./validate-row";
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
  const log: ErrorLog = { kept: [], total: 0 };
  const counter: ByteCounter = { bytes: 0 };
  const maxErrors = opts.maxErrors ?? IMPORT_LIMITS.maxErrors;
  let rows = 0;
  for await (const result of rowsAndErrors(source, opts, counter)) {
    if ("row" in result) {
      rows += 1;
      // Once a row has failed the import will be rolled back, so stop handing out rows
      // (saves pointless inserts) but keep reading to report every error.
      if (log.total === 0) yield result.row;
      continue;
    }
    rows += 1;
    for (const e of result.errors) {
      log.total += 1;
      if (log.kept.length < maxErrors) log.kept.push(e);
    }
    if (opts.failFast) throw new ImportValidationError(log.kept, log.total);
  }
  if (log.total > 0) throw new ImportValidationError(log.kept, log.total);
  return { rows, bytes: counter.bytes };
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
  for await (const result of rowsAndErrors(source, opts, counter)) {
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

async function* rowsAndErrors(
  source: ImportSource,
  opts: ImportOptions,
  counter: ByteCounter,
): AsyncGenerator<RowResult> {
  const maxRows = opts.maxRows ?? IMPORT_LIMITS.maxRows;
  const bytes = limitBytes(source, opts.maxBytes ?? IMPORT_LIMITS.maxBytes, counter);
  const records =
    opts.format === "csv"
      ? readCsvRecords(bytes, IMPORT_LIMITS.maxRecordChars)
      : readJsonlRecords(bytes, IMPORT_LIMITS.maxRecordChars);
  const firstLineOfId = new Map<string, number>();
  let count = 0;
  for await (const record of records) {
    count += 1;
    if (count > maxRows) throw new ImportTooManyRowsError(maxRows, record.line);
    if ("error" in record) {
      yield { errors: [{ line: record.line, ...record.error }] };
      continue;
    }
    const result = validateRecord(record.fields, record.line, opts.format === "csv");
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
