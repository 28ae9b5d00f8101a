/** What a format reader hands to validation: a keyed record, or a record-level error. */
export type RawRecord =
  | { line: number; fields: Record<string, unknown> }
  | { line: number; error: { field: string | null; message: string } };
