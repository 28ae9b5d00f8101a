import { describe, expect, it } from "vitest";
import { itemFiltersToQuery, parseItemFilters } from "./item-filters";

describe("item filters in the URL", () => {
  it("round-trips known values", () => {
    const f = parseItemFilters({ split: "test", source: "auto", q: " usb hub " });
    expect(f).toEqual({ split: "test", labelSource: "auto", search: "usb hub" });
    expect(parseItemFilters(new URLSearchParams(itemFiltersToQuery(f)))).toEqual(f);
  });

  it("drops unknown values instead of sending them to the server", () => {
    expect(parseItemFilters({ split: "all", source: ["<script>"], q: "   " })).toEqual({});
    expect(itemFiltersToQuery({})).toBe("");
  });
});
