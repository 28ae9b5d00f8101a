/**
 * CSV built in the browser from the data a chart already has. Cells starting with
 * = + - @ tab or CR get a leading quote, the same rule as the server's label export
 * (server/import/export-format.ts `neutraliseCsvCell`, not imported here because that
 * module pulls the Node CSV library into the client bundle; a test keeps both in step).
 */
export type CsvValue = string | number | boolean | Date | null | undefined;
export type CsvColumn<T> = { header: string; value: (row: T) => CsvValue };

export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function cellText(v: CsvValue): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  return String(v);
}

function quote(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  const line = (cells: string[]) => cells.map((c) => quote(neutraliseCell(c))).join(",");
  return (
    [line(columns.map((c) => c.header)), ...rows.map((r) => line(columns.map((c) => cellText(c.value(r)))))].join(
      "\r\n",
    ) + "\r\n"
  );
}

/** File names from user data (project slugs) are reduced to safe characters. */
export function safeFileName(name: string): string {
  return (
    name
      .replace(/[^A-Za-z0-9._-]+/g, "-")
      .replace(/^[-.]+|-+$/g, "")
      .slice(0, 120) || "download"
  );
}

export function downloadText(filename: string, text: string, type = "text/csv;charset=utf-8"): void {
  // A BOM so spreadsheet apps read UTF-8 category names correctly.
  const blob = new Blob(["\uFEFF", text], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = safeFileName(filename);
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
