import { describe, expect, it } from "vitest";
import { formatWhen } from "./when";

describe("formatWhen", () => {
  it("writes just after midnight as 00:05, as browsers do (Node's ICU says 24:05 under hour12: false)", () => {
    expect(formatWhen(new Date(Date.UTC(2026, 0, 1, 0, 5, 7)))).toBe("Jan 1, 2026, 00:05:07");
    expect(formatWhen(new Date(Date.UTC(2026, 0, 1, 23, 59, 59)))).toBe("Jan 1, 2026, 23:59:59");
  });
});
