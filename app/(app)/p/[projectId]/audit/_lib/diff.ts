/**
 * An audit event's before/after as lines of text: changed fields of objects
 * ("role: annotator → reviewer"), or the whole value when it is not an object.
 * Rendered as React text; values are shortened, never interpreted.
 */
export type DiffLine = { key: string | null; before: string | null; after: string | null };

const MAX_VALUE_CHARS = 160;
const MAX_LINES = 30;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function showValue(v: unknown): string {
  if (v === undefined) return "–";
  const s = typeof v === "string" ? v : (JSON.stringify(v) ?? String(v));
  return s.length > MAX_VALUE_CHARS ? `${s.slice(0, MAX_VALUE_CHARS - 1)}…` : s;
}

export function diffLines(before: unknown, after: unknown): DiffLine[] {
  const b = before ?? undefined;
  const a = after ?? undefined;
  if (b === undefined && a === undefined) return [];
  if (!isPlainObject(b) && !isPlainObject(a))
    return [{ key: null, before: b === undefined ? null : showValue(b), after: a === undefined ? null : showValue(a) }];
  const bo = isPlainObject(b) ? b : {};
  const ao = isPlainObject(a) ? a : {};
  const keys = [...new Set([...Object.keys(bo), ...Object.keys(ao)])];
  const lines: DiffLine[] = [];
  for (const key of keys) {
    const bv = bo[key];
    const av = ao[key];
    if (JSON.stringify(bv) === JSON.stringify(av)) continue;
    lines.push({ key, before: key in bo ? showValue(bv) : null, after: key in ao ? showValue(av) : null });
  }
  return lines.slice(0, MAX_LINES);
}

/** One line of text per change, for the CSV-less eye: "key: before → after". */
export function diffText(line: DiffLine): string {
  const head = line.key === null ? "" : `${line.key}: `;
  if (line.before === null) return `${head}${line.after ?? "–"}`;
  if (line.after === null) return `${head}${line.before} → (removed)`;
  return `${head}${line.before} → ${line.after}`;
}
