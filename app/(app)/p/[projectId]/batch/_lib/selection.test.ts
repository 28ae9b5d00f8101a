import { describe, expect, it } from "vitest";
import {
  EMPTY_SELECTION,
  move,
  prune,
  selectOnly,
  selectRange,
  selectedInOrder,
  toggle,
  toggleAll,
  type RowKey,
} from "./selection";

const rows: RowKey[] = [10, 11, 12, 13, 14, 15].map((itemId) => ({ itemId, selectable: itemId !== 13 }));
const ids = (s: { ids: ReadonlySet<number> }) => [...s.ids].sort((a, b) => a - b);

describe("grid selection", () => {
  it("toggles single rows and never selects an unselectable one", () => {
    let s = toggle(EMPTY_SELECTION, rows, 1);
    s = toggle(s, rows, 4);
    expect(ids(s)).toEqual([11, 14]);
    expect(ids(toggle(s, rows, 1))).toEqual([14]);
    expect(ids(toggle(s, rows, 3))).toEqual([11, 14]);
  });

  it("selects a range from the anchor on shift-click, skipping held rows", () => {
    const s = selectRange(selectOnly(rows, 1), rows, 4);
    expect(ids(s)).toEqual([11, 12, 14]);
    expect(s.anchor).toBe(1);
    // Backwards from the same anchor adds to what is there.
    expect(ids(selectRange(s, rows, 0))).toEqual([10, 11, 12, 14]);
  });

  it("moves the cursor with j/k and extends with shift", () => {
    let s = move(EMPTY_SELECTION, rows, 1, false);
    expect(s.focus).toBe(1);
    expect(s.ids.size).toBe(0);
    s = move(s, rows, 1, true);
    s = move(s, rows, 1, true);
    expect(ids(s)).toEqual([11, 12]);
    expect(s.focus).toBe(3);
    expect(move(s, rows, 99, false).focus).toBe(5);
    expect(move(s, rows, -99, false).focus).toBe(0);
  });

  it("selects all on the page, then clears", () => {
    const all = toggleAll(EMPTY_SELECTION, rows);
    expect(ids(all)).toEqual([10, 11, 12, 14, 15]);
    expect(ids(toggleAll(all, rows))).toEqual([]);
  });

  it("prunes rows that left the page and keeps page order", () => {
    const s = toggleAll(EMPTY_SELECTION, rows);
    const fewer = rows.slice(2);
    expect(ids(prune(s, fewer))).toEqual([12, 14, 15]);
    expect(selectedInOrder(s, [...rows].reverse())).toEqual([15, 14, 12, 11, 10]);
  });
});
