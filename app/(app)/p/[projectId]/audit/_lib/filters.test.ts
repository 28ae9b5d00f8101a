import { describe, expect, it } from "vitest";
import { auditFiltersToInput, auditFiltersToQuery, parseAuditFilters } from "./filters";

describe("audit filters in the URL", () => {
  it("round-trips valid filters and drops junk", () => {
    const q = "?action=data.import&actor=7&entity=import&from=2026-03-01&to=2026-03-02";
    expect(auditFiltersToQuery(parseAuditFilters(new URLSearchParams(q)))).toBe(q);
    expect(parseAuditFilters({ action: "<script>", actor: "-1", entity: "a b", from: "2026-02-31" })).toEqual({});
  });

  it("covers whole UTC days and swaps a reversed range", () => {
    expect(auditFiltersToInput({ from: "2026-03-05", to: "2026-03-01", actor: 3 })).toEqual({
      actorId: 3,
      from: new Date("2026-03-01T00:00:00Z"),
      to: new Date("2026-03-05T23:59:59.999Z"),
    });
  });
});
