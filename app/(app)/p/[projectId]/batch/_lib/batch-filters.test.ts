import { describe, expect, it } from "vitest";
import { DEFAULT_FILTERS, batchFiltersToQuery, parseBatchFilters } from "./batch-filters";

describe("batch filters in the URL", () => {
  it("round-trips every filter", () => {
    const f = {
      categoryId: 7,
      minConfidence: 0.8,
      maxConfidence: 0.95,
      reason: "audit",
      labelState: "auto",
      sort: "margin_asc",
      limit: 200,
    } as const;
    const q = batchFiltersToQuery(f);
    expect(q).toBe("?cat=7&min=80&max=95&reason=audit&label=auto&sort=margin_asc&size=200");
    expect(parseBatchFilters(new URLSearchParams(q.slice(1)))).toEqual(f);
  });

  it("carries a parent path, escaped, and drops a blank or oversized one", () => {
    const f = { ...DEFAULT_FILTERS, within: "Frozen & Cold > Ice" };
    const q = batchFiltersToQuery(f);
    expect(q).toBe("?within=Frozen+%26+Cold+%3E+Ice");
    expect(parseBatchFilters(new URLSearchParams(q.slice(1)))).toEqual(f);
    expect(parseBatchFilters({ within: "  " }).within).toBeUndefined();
    expect(parseBatchFilters({ within: "x".repeat(501) }).within).toBeUndefined();
  });

  it("drops malformed values instead of failing", () => {
    expect(
      parseBatchFilters({ cat: "x", min: "-3", max: "abc", reason: "<script>", label: "", sort: "id", size: "5000" }),
    ).toEqual(DEFAULT_FILTERS);
    expect(parseBatchFilters({ cat: "99999999999" }).categoryId).toBeUndefined();
    expect(batchFiltersToQuery(DEFAULT_FILTERS)).toBe("");
  });

  it("reads fractions or percents and orders a reversed range", () => {
    expect(parseBatchFilters({ min: "0.8" }).minConfidence).toBe(0.8);
    expect(parseBatchFilters({ min: "90", max: "70" })).toMatchObject({ minConfidence: 0.7, maxConfidence: 0.9 });
  });
});
