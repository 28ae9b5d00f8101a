export type ImportFormat = "jsonl" | "csv";
export type Split = "pool" | "test";

/** A validated item, ready to insert. `line` is the 1-based line where the record starts. */
export type ImportRow = {
  line: number;
  externalId: string;
  title: string;
  description: string | null;
  /** Normalised "A > B > C" path, or null when the item is unlabelled. */
  categoryPath: string | null;
  split: Split;
  attributes: Record<string, unknown>;
};

export type ImportRowError = { line: number; field: string | null; message: string };

export type ImportSource = AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream;

export type ImportOptions = {
  format: ImportFormat;
  /** Default 200 MB. Checked while streaming. */
  maxBytes?: number;
  /** Default 1,000,000 data rows (blank lines and the CSV header don't count). */
  maxRows?: number;
  /** How many row errors to keep in ImportValidationError.errors (all are counted). Default 100. */
  maxErrors?: number;
  /** Throw ImportValidationError at the first invalid row instead of at the end. */
  failFast?: boolean;
};

export type ImportReport = {
  ok: boolean;
  rows: number;
  validRows: number;
  bytes: number;
  errors: ImportRowError[];
  totalErrors: number;
};
