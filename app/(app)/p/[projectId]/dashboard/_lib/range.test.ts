import { describe, expect, it } from "vitest";
import { parseDay, parseRange, rangeToInput, rangeToQuery } from "./range";

describe("dashboard range in the URL", () => {
  it("defaults to the last 30 days and round-trips presets and custom ranges", () => {
    expect(parseRange({})).toEqual({ kind: "preset", preset: "30d" });
    for (const q of ["?range=7d", "?range=all", "?from=2026-03-01&to=2026-03-31"]) {
      expect(rangeToQuery(parseRange(new URLSearchParams(q)))).toBe(q);
    }
  });

  it("drops impossible or reversed days instead of sending them to the server", () => {
    expect(parseDay("2026-02-31")).toBeNull();
    expect(parseDay("<script>")).toBeNull();
    expect(parseRange({ from: "2026-03-10", to: "2026-03-01" })).toEqual({ kind: "preset", preset: "30d" });
    expect(parseRange({ range: ["1y"] })).toEqual({ kind: "preset", preset: "30d" });
  });

  it("turns presets into whole UTC days ending now and includes a custom range's last day", () => {
    const now = new Date("2026-03-10T15:00:00Z");
    expect(rangeToInput({ kind: "preset", preset: "7d" }, now)).toEqual({
      from: new Date("2026-03-04T00:00:00Z"),
      to: now,
    });
    expect(rangeToInput({ kind: "preset", preset: "all" }, now)).toEqual({});
    expect(rangeToInput({ kind: "custom", from: "2026-03-01", to: "2026-03-01" })).toEqual({
      from: new Date("2026-03-01T00:00:00Z"),
      to: new Date("2026-03-02T00:00:00Z"),
    });
  });
});
