import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS } from "@/server/services/projects";
import { buildPatch, toDraft } from "./settings-draft";

describe("settings draft", () => {
  const saved = { ...DEFAULT_SETTINGS };

  it("sends only what changed, with automatic evaluation as null", () => {
    const d = { ...toDraft(saved), batchSize: "50", evaluationRate: "0.1", hideSuggestionOnEvaluation: false };
    expect(buildPatch(d, saved)).toEqual({
      values: { batchSize: 50, evaluationRate: 0.1, hideSuggestionOnEvaluation: false },
      errors: {},
    });
    const back = buildPatch(
      { ...toDraft({ ...saved, evaluationRate: 0.1 }), evaluationRate: "" },
      {
        ...saved,
        evaluationRate: 0.1,
      },
    );
    expect(back.values).toEqual({ evaluationRate: null });
  });

  it("refuses a value out of its bounds at the field, with the server's message", () => {
    const d = { ...toDraft(saved), precisionTarget: "1.5", suspectRate: "-1", leaseMinutes: "2.5", auditRate: "x" };
    const { values, errors } = buildPatch(d, saved);
    expect(values).toEqual({});
    expect(errors.precisionTarget).toMatch(/At most 0.999/);
    expect(errors.suspectRate).toBe("At least 0");
    expect(errors.leaseMinutes).toBe("Enter a whole number");
    expect(errors.auditRate).toBe("Enter a number");
  });
});
