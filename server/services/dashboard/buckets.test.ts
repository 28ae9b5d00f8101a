import { describe, expect, it } from "vitest";
import { bucketKeys, truncUtc } from "./range";
import { costOf, costSeries } from "./cost";

const t = (iso: string) => new Date(`${iso}Z`);
const HOUR = 3_600_000;

describe("dashboard buckets and cost formula", () => {
  it("truncates to UTC days and ISO weeks like date_trunc", () => {
    expect(truncUtc(t("2026-03-04T23:59:59"), "day").toISOString()).toBe("2026-03-04T00:00:00.000Z");
    // 2026-03-08 is a Sunday: its week starts on Monday 2026-03-02.
    expect(truncUtc(t("2026-03-08T12:00:00"), "week").toISOString()).toBe("2026-03-02T00:00:00.000Z");
    // Years 0-99 stay themselves (Date.UTC would read them as 1900-1999).
    expect(truncUtc(new Date("0050-06-15T12:00:00Z"), "day").toISOString()).toBe("0050-06-15T00:00:00.000Z");
    expect(truncUtc(new Date("0099-12-31T23:00:00Z"), "week").getUTCFullYear()).toBe(99);
    expect(bucketKeys(t("2026-03-02T10:00:00"), t("2026-03-05T00:00:00"), "day")).toEqual([
      "2026-03-02",
      "2026-03-03",
      "2026-03-04",
    ]);
    expect(bucketKeys(t("2026-03-04T10:00:00"), t("2026-03-17T00:00:00"), "week")).toEqual([
      "2026-03-02",
      "2026-03-09",
      "2026-03-16",
    ]);
  });

  it("prices human time per categorised item and auto-accepts at the median handling time", () => {
    const p = costOf(
      { handlingMs: 2 * HOUR, humanLabels: 30, autoLabels: 90 },
      { hourlyCost: 30, medianHandlingMs: 12_000 },
    );
    expect(p.humanCost).toBe(60);
    expect(p.itemsCategorised).toBe(120);
    expect(p.costPerItem).toBe(0.5);
    expect(p.hoursSaved).toBeCloseTo(0.3, 10); // 90 × 12 s = 18 min
    expect(p.moneySaved).toBeCloseTo(9, 10);
    const none = costOf({ handlingMs: 0, humanLabels: 0, autoLabels: 5 }, { hourlyCost: 30, medianHandlingMs: null });
    expect(none).toMatchObject({ costPerItem: 0, hoursSaved: null, moneySaved: null });
    expect(
      costOf({ handlingMs: 0, humanLabels: 0, autoLabels: 0 }, { hourlyCost: 30, medianHandlingMs: 1 }).costPerItem,
    ).toBeNull();
    const s = costSeries(
      [
        { bucket: "a", handlingMs: HOUR, humanLabels: 1, autoLabels: 2 },
        { bucket: "b", handlingMs: 0, humanLabels: 0, autoLabels: 4 },
      ],
      { hourlyCost: 10, medianHandlingMs: HOUR / 2 },
    );
    expect(s.series.map((x) => x.cumulativeHoursSaved)).toEqual([1, 3]);
    expect(s.total).toMatchObject({ humanCost: 10, itemsCategorised: 7, hoursSaved: 3, moneySaved: 30 });
  });
});
