import { Readable } from "node:stream";
import { CsvError, parse } from "csv-parse";
import { ImportError, ImportFormatError } from "./errors";
import { restoreNeutralised } from "./formula-guard";
import type { RawRecord } from "./raw-record";

const RESERVED = ["id", "title", "description", "category", "split"];

/**
 * Streams CSV records keyed by the header row. Line numbers are the record's first line.
 * We don't use csv-parse's info.lines for that: it is the record's *last* line and
 * over-counts quoted CRLFs. Instead: 1 + lines spanned by earlier records + info.empty_lines.
 */
export async function* readCsvRecords(
  chunks: AsyncIterable<Uint8Array>,
  maxRecordChars: number,
): AsyncGenerator<RawRecord> {
  // Lines of every record the parser has finished, counted as it parses: records it finished but we have not read
  // yet are dropped when it fails, and its own error line is where it gave up, not where the bad record began.
  let parsedLines = 0;
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true, // column-count mismatches become row errors, not a fatal abort
    max_record_size: maxRecordChars,
    on_record: (entry) => {
      parsedLines += lineSpan(unpack(entry).record);
      return entry;
    },
  });
  const input = Readable.from(chunks);
  // pipe() doesn't forward errors; this carries ImportTooLargeError from the byte limiter.
  input.once("error", (err) => parser.destroy(err));
  input.pipe(parser);

  let header: string[] | null = null;
  let linesBefore = 0; // physical lines taken by records already emitted
  try {
    for await (const entry of parser as AsyncIterable<unknown>) {
      const { record, emptyLines } = unpack(entry);
      const line = 1 + linesBefore + emptyLines;
      linesBefore += lineSpan(record);
      if (header === null) {
        header = readHeader(record, line);
        continue;
      }
      if (record.every((v) => v.trim() === "")) continue; // e.g. a line of only commas
      if (record.length !== header.length) {
        const message = `expected ${header.length} columns, got ${record.length}`;
        yield { line, error: { field: null, message } };
        continue;
      }
      const fields: Record<string, unknown> = {};
      header.forEach((name, i) => {
        fields[name] = record[i];
      });
      yield { line, fields: restoreNeutralised(fields) };
    }
  } catch (err) {
    if (err instanceof ImportError) throw err;
    if (err instanceof CsvError) {
      const at = typeof err["lines"] === "number" ? err["lines"] : null;
      if (err.code.includes("QUOTE")) {
        // The record the quote belongs to starts after the last one parsed: report where it opened.
        const opened = 1 + parsedLines + (typeof err["empty_lines"] === "number" ? err["empty_lines"] : 0);
        const message = `invalid CSV: a quoted field opened here is not closed properly (the parser gave up at line ${at ?? "?"}: ${err.message})`;
        throw new ImportFormatError(message, opened);
      }
      throw new ImportFormatError(`invalid CSV: ${err.message}`, at);
    }
    throw err;
  } finally {
    input.destroy();
    parser.destroy();
  }
  if (header === null) throw new ImportFormatError("missing CSV header row", 1);
}

function unpack(entry: unknown): { record: string[]; emptyLines: number } {
  if (typeof entry === "object" && entry !== null && "record" in entry && "info" in entry) {
    const { record, info } = entry as { record: unknown; info: { empty_lines?: unknown } };
    if (Array.isArray(record) && typeof info.empty_lines === "number") {
      return { record: record.map(String), emptyLines: info.empty_lines };
    }
  }
  throw new Error("unexpected csv-parse output shape");
}

function lineSpan(record: readonly string[]): number {
  let span = 1;
  for (const value of record) span += value.match(/\r\n|\r|\n/g)?.length ?? 0;
  return span;
}

/** Reserved column names match case-insensitively; extra columns keep their spelling. */
function readHeader(record: readonly string[], line: number): string[] {
  const names = record.map((raw) => {
    const name = raw.trim();
    const lower = name.toLowerCase();
    return RESERVED.includes(lower) ? lower : name;
  });
  const seen = new Set<string>();
  for (const name of names) {
    if (name === "") throw new ImportFormatError("empty column name in header", line);
    if (seen.has(name)) throw new ImportFormatError(`duplicate column "${name}" in header`, line);
    seen.add(name);
  }
  for (const required of ["id", "title"]) {
    if (!seen.has(required)) throw new ImportFormatError(`header has no "${required}" column`, line);
  }
  return names;
}
