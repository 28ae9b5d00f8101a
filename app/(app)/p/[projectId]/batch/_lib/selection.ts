/**
 * Grid selection as pure functions over row positions on the current page:
 * click, Ctrl/Cmd-click, shift-click ranges, keyboard extend. Rows that cannot
 * be decided (held by someone else, already stored) are never selected.
 */
export type Selection = {
  /** Selected item ids. */
  ids: ReadonlySet<number>;
  /** Where shift-ranges start: the last row clicked or toggled. */
  anchor: number | null;
  /** The keyboard cursor. */
  focus: number;
};

export type RowKey = { itemId: number; selectable: boolean };

export const EMPTY_SELECTION: Selection = { ids: new Set(), anchor: null, focus: 0 };

function clamp(i: number, rows: readonly RowKey[]): number {
  return Math.max(0, Math.min(rows.length - 1, i));
}

function rangeIds(rows: readonly RowKey[], a: number, b: number): number[] {
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  return rows.slice(lo, hi + 1).flatMap((r) => (r.selectable ? [r.itemId] : []));
}

/** Space / x / checkbox / Ctrl-click: flip one row, keep the rest. */
export function toggle(s: Selection, rows: readonly RowKey[], index: number): Selection {
  const row = rows[index];
  if (!row) return s;
  const ids = new Set(s.ids);
  if (ids.has(row.itemId)) ids.delete(row.itemId);
  else if (row.selectable) ids.add(row.itemId);
  return { ids, anchor: index, focus: index };
}

/** Plain click: this row alone. */
export function selectOnly(rows: readonly RowKey[], index: number): Selection {
  const row = rows[index];
  return { ids: new Set(row?.selectable ? [row.itemId] : []), anchor: index, focus: index };
}

/** Shift-click: add anchor..index to the selection (the anchor stays). */
export function selectRange(s: Selection, rows: readonly RowKey[], index: number): Selection {
  const anchor = s.anchor ?? s.focus;
  const ids = new Set(s.ids);
  for (const id of rangeIds(rows, anchor, clamp(index, rows))) ids.add(id);
  return { ids, anchor, focus: clamp(index, rows) };
}

/** j/k or arrows: move the cursor; with shift, extend the selection over the rows passed. */
export function move(s: Selection, rows: readonly RowKey[], delta: number, extend: boolean): Selection {
  if (rows.length === 0) return s;
  const focus = clamp(s.focus + delta, rows);
  if (!extend) return { ...s, focus };
  const anchor = s.anchor ?? s.focus;
  const ids = new Set(s.ids);
  for (const id of rangeIds(rows, s.focus, focus)) ids.add(id);
  return { ids, anchor, focus };
}

/** Select all on this page, or clear when everything selectable already is. */
export function toggleAll(s: Selection, rows: readonly RowKey[]): Selection {
  const selectable = rows.filter((r) => r.selectable).map((r) => r.itemId);
  const all = selectable.length > 0 && selectable.every((id) => s.ids.has(id));
  return { ...s, ids: new Set(all ? [] : selectable) };
}

/** Drops ids no longer on the page or no longer selectable (after a refetch or a store). */
export function prune(s: Selection, rows: readonly RowKey[]): Selection {
  const ok = new Set(rows.filter((r) => r.selectable).map((r) => r.itemId));
  const ids = [...s.ids].filter((id) => ok.has(id));
  if (ids.length === s.ids.size) return rows.length && s.focus >= rows.length ? { ...s, focus: rows.length - 1 } : s;
  return { ...s, ids: new Set(ids), focus: clamp(s.focus, rows) };
}

/** Selected ids in page order (the order the decisions are sent in). */
export function selectedInOrder(s: Selection, rows: readonly RowKey[]): number[] {
  return rows.filter((r) => s.ids.has(r.itemId)).map((r) => r.itemId);
}
