/**
 * A taxonomy file, read line by line: plain text with one "A > B > C" path per
 * line, or CSV with a header, either a `path` (or `category`) column holding the
 * whole path or one column per level ("department,aisle"). Every path goes
 * through the same normaliser as the rest of the app, so what is imported here
 * can be labelled, imported with items and exported again.
 */
import { parse } from "csv-parse/sync";
import { normaliseCategoryPath } from "@/server/services/imports";

export type TaxonomyFormat = "text" | "csv";
export type TaxonomyLine = { line: number; path: string };
export type TaxonomyLineError = { line: number; message: string };
export type ParsedTaxonomy = { paths: TaxonomyLine[]; errors: TaxonomyLineError[] };

/** A taxonomy is hundreds of categories; thousands would be a mistake (an item file, say). */
export const MAX_TAXONOMY_PATHS = 5_000;
const MAX_ERRORS = 100;

/**
 * `parents`: also list every ancestor of a path ("A" and "A > B" for "A > B > C"),
 * for taxonomies whose inner levels are categories too. Off by default: items
 * are labelled with leaves, and a parent nobody labels is one more class the
 * model and the review picker carry.
 */
export function parseTaxonomy(text: string, format: TaxonomyFormat, opts: { parents?: boolean } = {}): ParsedTaxonomy {
  const raw = format === "csv" ? csvPaths(text) : textPaths(text);
  if ("error" in raw) return { paths: [], errors: [raw.error] };
  const paths: TaxonomyLine[] = [];
  const errors: TaxonomyLineError[] = [];
  const listed = new Map<string, number>();
  const included = new Set<string>();
  const include = (line: number, path: string) => {
    if (included.has(path)) return;
    included.add(path);
    paths.push({ line, path });
  };
  for (const r of raw.lines) {
    // Postgres text cannot hold U+0000: refused here with its line rather than failing the whole statement.
    if (r.path.includes("\u0000")) {
      errors.push({ line: r.line, message: "contains a NUL character (U+0000)" });
      continue;
    }
    const n = normaliseCategoryPath(r.path);
    if (!n.ok) {
      errors.push({ line: r.line, message: `${n.message} in "${clip(r.path)}"` });
      continue;
    }
    const seen = listed.get(n.path);
    if (seen !== undefined) {
      errors.push({ line: r.line, message: `"${clip(n.path)}" is already on line ${seen}` });
      continue;
    }
    listed.set(n.path, r.line);
    if (opts.parents) {
      const segments = n.path.split(" > ");
      for (let k = 1; k < segments.length; k++) include(r.line, segments.slice(0, k).join(" > "));
    }
    include(r.line, n.path);
  }
  if (paths.length > MAX_TAXONOMY_PATHS)
    errors.unshift({ line: 0, message: `${paths.length} categories: at most ${MAX_TAXONOMY_PATHS} in one file` });
  if (paths.length === 0 && errors.length === 0) errors.push({ line: 0, message: "The file has no categories" });
  return { paths, errors: errors.slice(0, MAX_ERRORS) };
}

type RawLines = { lines: { line: number; path: string }[] } | { error: TaxonomyLineError };

function textPaths(text: string): RawLines {
  const lines = text
    .replace(/^\uFEFF/, "")
    .split(/\r?\n/)
    .map((path, i) => ({ line: i + 1, path }))
    .filter((l) => l.path.trim() !== "");
  return { lines };
}

function csvPaths(text: string): RawLines {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
  } catch (e) {
    const line = typeof e === "object" && e && "lines" in e && typeof e.lines === "number" ? e.lines : 0;
    return { error: { line, message: `Not valid CSV: ${e instanceof Error ? e.message : String(e)}` } };
  }
  const [header, ...rows] = records;
  if (!header) return { lines: [] };
  const names = header.record.map((h) => h.trim().toLowerCase());
  const whole = names.findIndex((h) => h === "path" || h === "category");
  const lines: { line: number; path: string }[] = [];
  for (const { record, info } of rows) {
    if (record.every((v) => v.trim() === "")) continue;
    // One column per level: trailing blank levels are a shorter path, a blank level in between is an error.
    const levels = whole >= 0 ? [record[whole] ?? ""] : trimTrailingBlanks(record);
    lines.push({ line: info.lines, path: levels.join(" > ") });
  }
  return { lines };
}

function trimTrailingBlanks(cells: string[]): string[] {
  let end = cells.length;
  while (end > 0 && (cells[end - 1] ?? "").trim() === "") end--;
  return cells.slice(0, end);
}

const clip = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}…` : s);
