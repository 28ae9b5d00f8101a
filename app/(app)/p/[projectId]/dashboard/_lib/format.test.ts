import { describe, expect, it } from "vitest";
import { dateTime, percentDomain, unitCost } from "./format";

describe("dashboard formats", () => {
  it("writes midnight as 00:00, as browsers do (Node's ICU says 24:00 under hour12: false)", () => {
    expect(dateTime(new Date("2026-11-05T00:00:00Z"))).toBe("Nov 5, 00:00 UTC");
  });

  it("keeps two significant digits for costs under a cent", () => {
    expect(unitCost(0.00042)).toBe("0.00042");
    expect(unitCost(1.5)).toBe("1.50");
    expect(unitCost(0)).toBe("0.00");
  });

  it("zooms a percentage axis to the values", () => {
    expect(percentDomain([0.912, 0.93])).toEqual([0.85, 0.95]);
    expect(percentDomain([0.99, 1])).toEqual([0.95, 1]);
    expect(percentDomain([null])).toEqual([0, 1]);
  });
});
