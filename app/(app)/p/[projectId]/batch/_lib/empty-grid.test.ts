import { describe, expect, it } from "vitest";
import { DEFAULT_FILTERS } from "./batch-filters";
import { emptyGridText } from "./empty-grid";

describe("emptyGridText", () => {
  it("names the filters that emptied the grid and what fills it", () => {
    const t = emptyGridText({ ...DEFAULT_FILTERS, reason: "audit" }, null);
    expect(t.title).toBe("No predictions: awaiting audit");
    expect(t.body).toContain("audit rate");
    expect(t.body).not.toContain("confidence");
  });

  it("suggests widening the range only when a range is set", () => {
    const t = emptyGridText({ ...DEFAULT_FILTERS, categoryId: 3, minConfidence: 0.8, maxConfidence: 0.9 }, "A > B");
    expect(t.title).toBe("No predictions: predicted A > B · confidence 80%–90%");
    expect(t.body).toBe("Widen the confidence range. Pick another category.");
  });

  it("says the model has nothing when nothing is filtered", () => {
    expect(emptyGridText(DEFAULT_FILTERS, null).title).toBe("Nothing to review");
  });
});
