import type { ImportRowError } from "./types";

/** Stable codes so API layers can map errors without matching on messages. */
export type ImportErrorCode = "IMPORT_TOO_LARGE" | "IMPORT_TOO_MANY_ROWS" | "IMPORT_FORMAT" | "IMPORT_VALIDATION";

export abstract class ImportError extends Error {
  abstract readonly code: ImportErrorCode;
}

/** Thrown as soon as the byte cap is crossed, before the rest of the stream is read. */
export class ImportTooLargeError extends ImportError {
  readonly code = "IMPORT_TOO_LARGE";
  constructor(
    readonly maxBytes: number,
    readonly bytesRead: number,
  ) {
    super(`import exceeds the ${maxBytes}-byte limit (read ${bytesRead} bytes so far)`);
    this.name = "ImportTooLargeError";
  }
}

export class ImportTooManyRowsError extends ImportError {
  readonly code = "IMPORT_TOO_MANY_ROWS";
  constructor(
    readonly maxRows: number,
    readonly line: number,
  ) {
    super(`import exceeds the ${maxRows}-row limit (at line ${line})`);
    this.name = "ImportTooManyRowsError";
  }
}

/** Unrecoverable structural problem: missing CSV header, broken quoting, bad UTF-8, oversized line. */
export class ImportFormatError extends ImportError {
  readonly code = "IMPORT_FORMAT";
  constructor(
    message: string,
    readonly line: number | null,
  ) {
    super(line === null ? message : `line ${line}: ${message}`);
    this.name = "ImportFormatError";
  }
}

/** Raised at the end of a stream (or at the first bad row with failFast) when any row was invalid. */
export class ImportValidationError extends ImportError {
  readonly code = "IMPORT_VALIDATION";
  constructor(
    /** The first `maxErrors` row errors, in stream order. */
    readonly errors: readonly ImportRowError[],
    /** All row errors seen, including those not kept in `errors`. */
    readonly totalErrors: number,
  ) {
    const first = errors[0];
    super(
      `${totalErrors} row error${totalErrors === 1 ? "" : "s"} in import` +
        (first ? `; first: ${formatRowError(first)}` : ""),
    );
    this.name = "ImportValidationError";
  }
}

export function formatRowError(e: ImportRowError): string {
  return e.field === null ? `line ${e.line}: ${e.message}` : `line ${e.line}, field "${e.field}": ${e.message}`;
}
