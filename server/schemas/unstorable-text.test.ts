/** Which input text no database column can keep: found wherever it sits, and only that. */
import { describe, expect, it } from "vitest";
import { unstorableTextAt } from "./common";

describe("unstorableTextAt", () => {
  it("passes text Postgres keeps, surrogate pairs and RTL marks included", () => {
    expect(unstorableTextAt({ title: "🙂 ＝ \u202E e\u0301", tags: ["a", { b: "👩‍💻" }] })).toBeNull();
  });

  it.each([
    ["a NUL", { title: "a\u0000b" }, "title"],
    ["a lone high surrogate", { items: [{ title: "x\uD800" }] }, "items.0.title"],
    ["a lone low surrogate", { q: "\uDC00y" }, "q"],
    ["a pair in the wrong order", { q: "\uDC00\uD800" }, "q"],
    ["a NUL in a key", { ["k\u0000"]: 1 }, "k\u0000"],
    ["a bare string", "\u0000", "input"],
  ])("names the field holding %s", (_, input, at) => {
    expect(unstorableTextAt(input)).toBe(at);
  });

  it("walks a 100k-deep input without overflowing the stack", () => {
    let deep: unknown = "bottom\u0000";
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(unstorableTextAt(deep)).toMatch(/^a(\.a)+$/);
  });
});
