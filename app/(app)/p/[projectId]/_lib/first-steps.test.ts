import { describe, expect, it } from "vitest";
import { firstSteps, nextStep, type FirstStepsInput } from "./first-steps";

const empty: FirstStepsInput = {
  categoryCount: 0,
  itemCounts: { pool: 0, test: 0 },
  labelCounts: { human: 0, auto: 0, import: 0 },
  activeModelVersionId: null,
  retrainEveryLabels: 200,
  gold: { total: 0, needed: 532 },
};

describe("firstSteps", () => {
  it("walks a new project from the taxonomy to its first model", () => {
    const next = (s: FirstStepsInput) => nextStep(firstSteps(s))?.key ?? null;
    expect(next(empty)).toBe("taxonomy");
    // One category is not a taxonomy a model can learn.
    expect(next({ ...empty, categoryCount: 1 })).toBe("taxonomy");
    const withTaxonomy = { ...empty, categoryCount: 3 };
    expect(next(withTaxonomy)).toBe("items");
    // Test items alone are gold, not work for the queue.
    expect(next({ ...withTaxonomy, itemCounts: { pool: 0, test: 40 } })).toBe("items");
    const withItems = { ...withTaxonomy, itemCounts: { pool: 100, test: 0 } };
    expect(next(withItems)).toBe("labels");
    // Auto labels are the model's, not a first label.
    expect(next({ ...withItems, labelCounts: { human: 0, auto: 5, import: 0 } })).toBe("labels");
    const labelled = { ...withItems, labelCounts: { human: 1, auto: 0, import: 0 } };
    expect(next(labelled)).toBe("gold");
    const withGold = { ...labelled, gold: { total: 532, needed: 532 } };
    expect(next(withGold)).toBe("model");
    expect(next({ ...withGold, activeModelVersionId: 7 })).toBeNull();
  });

  it("says how the first model comes, with retraining on or off", () => {
    const model = (s: FirstStepsInput) => firstSteps(s).find((x) => x.key === "model")?.detail;
    expect(model(empty)).toContain("after every 200 new labels");
    expect(model({ ...empty, retrainEveryLabels: 0 })).toContain("automatic retraining is off");
    expect(model({ ...empty, activeModelVersionId: 3 })).toBe("Version #3 is active.");
  });
});
