import { describe, expect, it } from "vitest";
import { normaliseCategoryPath } from "./category-path";

describe("normaliseCategoryPath", () => {
  it.each([
    ["Audio>Headphones", "Audio > Headphones"],
    ["  Home  >Kitchen>   Coffee \t Makers ", "Home > Kitchen > Coffee Makers"],
    ["Single", "Single"],
  ])("%j → %j", (raw, path) => {
    expect(normaliseCategoryPath(raw)).toEqual({ ok: true, path });
  });

  it.each([
    ["A >  > B", "empty path segment"],
    ["> A", "empty path segment"],
    ["A >", "empty path segment"],
    ["a>b>c>d>e>f>g", "depth must be at most 6"],
    [`A > ${"x".repeat(500)}`, "must be at most 500 characters"],
  ])("rejects %j", (raw, message) => {
    expect(normaliseCategoryPath(raw)).toEqual({ ok: false, message });
  });

  it("accepts the maximum depth", () => {
    expect(normaliseCategoryPath("a>b>c>d>e>f")).toEqual({ ok: true, path: "a > b > c > d > e > f" });
  });
});
