/**
 * Loupe's CSV export puts a quote before a cell that a spreadsheet would run as a formula (= + - @, tab, CR) and
 * names those cells in this column, row by row. The import reverses exactly those cells, so an export re-imports
 * unchanged; a foreign file (no such column) or a cell the column does not name keeps its leading quote, since
 * there the quote is data. Per cell, not per file: a stored title that already starts with "'+" is exported as it
 * is, unnamed, and must come back with its quote.
 */
export const NEUTRALISED_COLUMN = "loupe_neutralised";

const TRIGGER = /^[=+\-@\t\r]/;

/**
 * Also under NFKC: spreadsheets (Excel with an East Asian input method, LibreOffice) read a
 * full-width "＝" or "＋", or a small or superscript sign, as the ASCII one and run the formula.
 */
function startsFormula(value: string): boolean {
  return TRIGGER.test(value) || TRIGGER.test(value.normalize("NFKC"));
}

export function neutraliseCell(value: string): string {
  return startsFormula(value) ? `'${value}` : value;
}

/** The record without the marker column, the named cells' added quote removed. */
export function restoreNeutralised(fields: Record<string, unknown>): Record<string, unknown> {
  if (!(NEUTRALISED_COLUMN in fields)) return fields;
  const { [NEUTRALISED_COLUMN]: marker, ...rest } = fields;
  const names = typeof marker === "string" ? marker.split(" ").filter(Boolean) : [];
  for (const name of names) {
    const v = rest[name];
    if (typeof v === "string" && v.startsWith("'") && startsFormula(v.slice(1))) rest[name] = v.slice(1);
  }
  return rest;
}
