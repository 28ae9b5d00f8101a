/**
 * Why an import was refused, as one typed service error carrying row-level errors
 * (line and field), so the router, the upload route and the CLI report them alike.
 */
import {
  formatRowError,
  ImportFormatError,
  ImportTooLargeError,
  ImportTooManyRowsError,
  ImportValidationError,
  type ImportRowError,
} from "./parse";
import { IMPORT_LIMITS } from "@/lib/constants";
import { ValidationError } from "@/server/errors";

/** Line 0 in an error means the file as a whole (size), not one of its lines. */
export const WHOLE_FILE_LINE = 0;

export class ImportRejectedError extends ValidationError {
  constructor(
    message: string,
    /** The first IMPORT_LIMITS.maxErrors errors, in file order. */
    readonly errors: readonly ImportRowError[],
    readonly totalErrors: number,
    extra: Record<string, unknown> = {},
  ) {
    super(message, { errors, totalErrors, ...extra });
  }
}

export type UnknownCategory = { path: string; line: number };

export class UnknownCategoriesError extends ImportRejectedError {
  constructor(readonly unknown: readonly UnknownCategory[]) {
    const errors = unknown.map((u) => ({ line: u.line, field: "category", message: `unknown category "${u.path}"` }));
    const kept = errors.slice(0, IMPORT_LIMITS.maxErrors);
    const list = unknown
      .slice(0, 5)
      .map((u) => `"${u.path}" (line ${u.line})`)
      .join(", ");
    super(
      `${unknown.length} unknown categor${unknown.length === 1 ? "y" : "ies"}: ${list}${unknown.length > 5 ? ", …" : ""}`,
      kept,
      errors.length,
      {
        unknownCategories: unknown.slice(0, IMPORT_LIMITS.maxErrors),
      },
    );
  }
}

export function unknownCategoriesError(unknown: Map<string, number>): UnknownCategoriesError {
  const list = [...unknown].map(([path, line]) => ({ path, line })).sort((a, b) => a.line - b.line);
  return new UnknownCategoriesError(list);
}

/** Parser errors become ImportRejectedError; anything else is not ours to explain and is rethrown. */
export function toImportRejection(err: unknown): ImportRejectedError | null {
  if (err instanceof ImportRejectedError) return err;
  if (err instanceof ImportValidationError) {
    const first = err.errors[0];
    const message = `${err.totalErrors} invalid row${err.totalErrors === 1 ? "" : "s"}${first ? `; first: ${formatRowError(first)}` : ""}`;
    return new ImportRejectedError(message, err.errors, err.totalErrors);
  }
  if (err instanceof ImportTooLargeError) {
    const message = `File is larger than the ${formatMb(err.maxBytes)} limit`;
    return new ImportRejectedError(message, [{ line: WHOLE_FILE_LINE, field: null, message }], 1);
  }
  if (err instanceof ImportTooManyRowsError) {
    const message = `File has more than ${err.maxRows} rows`;
    return new ImportRejectedError(message, [{ line: err.line, field: null, message }], 1);
  }
  if (err instanceof ImportFormatError) {
    // The parser's message already starts with "line N: "; the line goes in its own field here.
    const message = err.line === null ? err.message : err.message.replace(/^line \d+: /, "");
    return new ImportRejectedError(err.message, [{ line: err.line ?? WHOLE_FILE_LINE, field: null, message }], 1);
  }
  return null;
}

function formatMb(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}
