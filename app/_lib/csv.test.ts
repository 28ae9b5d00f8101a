import { describe, expect, it } from "vitest";
import { neutraliseCsvCell } from "@/server/services/exports";
import { neutraliseCell, safeFileName, toCsv } from "./csv";

describe("client-side CSV", () => {
  it("neutralises formula cells exactly like the server's export", () => {
    for (const v of ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "\rx", "plain", "", "a=b", "'quoted"]) {
      expect(neutraliseCell(v)).toBe(neutraliseCsvCell(v));
    }
  });

  it("quotes separators and neutralises headers and values", () => {
    const csv = toCsv(
      [
        { header: "day", value: (r: { d: string; n: number | null }) => r.d },
        { header: "count", value: (r) => r.n },
      ],
      [
        { d: '=HYPERLINK("x")', n: -3 },
        { d: "a,b", n: null },
      ],
    );
    expect(csv).toBe('day,count\r\n"\'=HYPERLINK(""x"")",\'-3\r\n"a,b",\r\n');
  });

  it("keeps file names to safe characters", () => {
    expect(safeFileName("../my project/labels <1>.csv")).toBe("my-project-labels-1-.csv");
  });
});
