import { describe, expect, it } from "vitest";
import type { NumberedChoice } from "./review-choices";
import { DigitMemory } from "./review-digits";

const choices = (ids: number[]): NumberedChoice[] =>
  ids.map((id, i) => ({
    key: String(i + 1),
    categoryId: id,
    path: `Cat ${id}`,
    source: "model",
    prob: null,
    isSuggestion: i === 0,
    available: true,
  }));
const keys = (cs: NumberedChoice[]) => Object.fromEntries(cs.map((c) => [c.categoryId, c.key]));

describe("DigitMemory", () => {
  it("numbers the first item in order and keeps each category's digit on the next ones", () => {
    const m = new DigitMemory();
    expect(keys(m.assign(1, choices([10, 11, 12])))).toEqual({ 10: "1", 11: "2", 12: "3" });
    expect(keys(m.assign(2, choices([12, 10, 11])))).toEqual({ 10: "1", 11: "2", 12: "3" });
  });

  it("gives a new category an empty digit, then the one offered longest ago, never one on screen", () => {
    const m = new DigitMemory();
    m.assign(1, choices([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    m.assign(2, choices([2, 3, 4, 5, 6, 7, 8, 9]));
    // Category 1 (digit 1) was offered longest ago: 20 takes its digit, the others keep theirs.
    const third = keys(m.assign(3, choices([20, 9, 8])));
    expect(third).toEqual({ 20: "1", 9: "9", 8: "8" });
    const keysUsed = m.assign(4, choices([1, 20, 2, 3, 4, 5, 6, 7, 8])).map((c) => c.key);
    expect(new Set(keysUsed).size).toBe(9);
  });

  it("shows an item again with the digits it had", () => {
    const m = new DigitMemory();
    const first = keys(m.assign(1, choices([1, 2, 3])));
    m.assign(2, choices([4, 5, 6, 7, 8, 9, 10]));
    expect(keys(m.assign(1, choices([1, 2, 3])))).toEqual(first);
  });
});
