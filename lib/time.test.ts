import { describe, expect, it } from "vitest";
import { isTimeZone, startOfLocalDay } from "./time";

describe("startOfLocalDay", () => {
  it("finds Berlin's midnight on the day daylight saving time starts (CET +1, though it is CEST +2 by noon)", () => {
    // 29 March 2026: clocks go from 02:00 CET to 03:00 CEST. Midnight was still at +1.
    const noon = new Date("2026-03-29T10:00:00Z");
    expect(startOfLocalDay(noon, { timeZone: "Europe/Berlin" }).toISOString()).toBe("2026-03-28T23:00:00.000Z");
    // The fixed offset of noon (+120 min) puts "midnight" an hour early: the bug this replaces.
    expect(startOfLocalDay(noon, { tzOffsetMinutes: 120 }).toISOString()).toBe("2026-03-28T22:00:00.000Z");
  });

  it("and on the day it ends (midnight at CEST +2, evening at CET +1)", () => {
    const evening = new Date("2026-10-25T20:00:00Z");
    expect(startOfLocalDay(evening, { timeZone: "Europe/Berlin" }).toISOString()).toBe("2026-10-24T22:00:00.000Z");
  });

  it("uses the local date, not the UTC one, west of Greenwich", () => {
    const lateEvening = new Date("2026-07-01T03:30:00Z"); // 23:30 on 30 June in New York (EDT, -4)
    expect(startOfLocalDay(lateEvening, { timeZone: "America/New_York" }).toISOString()).toBe(
      "2026-06-30T04:00:00.000Z",
    );
  });

  it("falls back to the offset, then to UTC", () => {
    const t = new Date("2026-01-10T01:00:00Z");
    expect(startOfLocalDay(t, { tzOffsetMinutes: -330 }).toISOString()).toBe("2026-01-09T05:30:00.000Z");
    expect(startOfLocalDay(t, {}).toISOString()).toBe("2026-01-10T00:00:00.000Z");
  });

  it("knows a zone name from a typo", () => {
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("Europe/Berlim")).toBe(false);
  });
});
