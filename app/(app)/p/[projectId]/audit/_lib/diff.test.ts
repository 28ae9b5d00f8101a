import { describe, expect, it } from "vitest";
import { diffLines, diffText } from "./diff";

describe("audit diff as text", () => {
  it("lists only the changed fields of objects", () => {
    const lines = diffLines({ role: "annotator", email: "a@b.c" }, { role: "reviewer", email: "a@b.c", since: 3 });
    expect(lines.map(diffText)).toEqual(["role: annotator → reviewer", "since: 3"]);
  });

  it("shows creations, removals and scalar values, and keeps hostile text as text", () => {
    expect(diffLines(null, { filename: "<img src=x onerror=alert(1)>.csv" }).map(diffText)).toEqual([
      "filename: <img src=x onerror=alert(1)>.csv",
    ]);
    expect(diffLines({ a: 1 }, null).map(diffText)).toEqual(["a: 1 → (removed)"]);
    expect(diffLines(3, 4).map(diffText)).toEqual(["3 → 4"]);
    expect(diffLines(null, null)).toEqual([]);
  });

  it("shortens long values", () => {
    const [line] = diffLines(null, { notes: "x".repeat(500) });
    expect(line!.after!.length).toBe(160);
    expect(line!.after!.endsWith("…")).toBe(true);
  });
});
