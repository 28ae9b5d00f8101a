import { describe, expect, it } from "vitest";
import { explainPick, insideFirst, likelyParent, numberedChoices } from "./review-choices";
import type { Task } from "./review-types";

const task = (strategy: "margin" | "least_confidence" | "entropy" | "random", score: number | null): Task =>
  ({
    handoff: {
      pick: { reason: "uncertain", strategy, score },
      prediction: null,
      currentLabel: null,
      neighbours: { basis: "none", items: [] },
      history: [],
      suspect: null,
    },
  }) as unknown as Task;

describe("explainPick", () => {
  it("says the margin in points, so the most uncertain items do not all read 0.00", () => {
    expect(explainPick(task("margin", 0.004)).label).toBe("Uncertain: top two 0.4 points apart");
    expect(explainPick(task("margin", 0.31)).label).toBe("Uncertain: top two 31 points apart");
  });

  it("calls the top two close only when they are", () => {
    expect(explainPick(task("margin", 0.05)).detail).toContain("top two categories are close");
    expect(explainPick(task("margin", 0.95)).detail).not.toContain("close");
    expect(explainPick(task("least_confidence", 0.95)).detail).not.toContain("not confident");
  });
});

describe("a parent the model is sure of while unsure of the aisle", () => {
  const withPrediction = (confidence: number, ancestors: { path: string; prob: number }[]): Task =>
    ({
      handoff: {
        pick: { reason: "uncertain", strategy: "margin", score: 0.02 },
        prediction: {
          modelVersionId: 1,
          modelVersion: 1,
          confidence,
          margin: 0.02,
          entropy: 1,
          top: [
            { categoryId: 1, path: "Frozen > Frozen Pizza", deleted: false, prob: confidence },
            { categoryId: 2, path: "Pantry > Baking", deleted: false, prob: 0.3 },
            { categoryId: 3, path: "Frozen > Ice Cream", deleted: false, prob: 0.2 },
          ],
          ancestors,
        },
        currentLabel: null,
        neighbours: {
          basis: "embedding",
          items: [
            {
              itemId: 9,
              title: "x",
              label: { categoryId: 4, path: "Bakery > Bread", deleted: false, source: "human" },
            },
            {
              itemId: 8,
              title: "y",
              label: { categoryId: 5, path: "Frozen > Frozen Meals", deleted: false, source: "human" },
            },
          ],
        },
        history: [],
        suspect: null,
      },
    }) as unknown as Task;

  it("names the parent only when it is sure and the leaf is not", () => {
    expect(likelyParent(withPrediction(0.32, [{ path: "Frozen", prob: 0.96 }]))).toMatchObject({
      path: "Frozen",
      prob: 0.96,
    });
    expect(likelyParent(withPrediction(0.85, [{ path: "Frozen", prob: 0.97 }]))).toBeNull();
    expect(likelyParent(withPrediction(0.32, [{ path: "Frozen", prob: 0.6 }]))).toBeNull();
    expect(likelyParent(withPrediction(0.32, []))).toBeNull();
  });

  it("puts the alternatives inside it before the others, the suggestion staying first", () => {
    const sure = numberedChoices(withPrediction(0.32, [{ path: "Frozen", prob: 0.96 }]), [], null);
    expect(sure.map((c) => c.path)).toEqual([
      "Frozen > Frozen Pizza",
      "Frozen > Ice Cream",
      "Frozen > Frozen Meals",
      "Pantry > Baking",
      "Bakery > Bread",
    ]);
    expect(sure.map((c) => c.key)).toEqual(["1", "2", "3", "4", "5"]);
    const flat = numberedChoices(withPrediction(0.32, []), [], null);
    expect(flat.map((c) => c.path)).toEqual([
      "Frozen > Frozen Pizza",
      "Pantry > Baking",
      "Frozen > Ice Cream",
      "Bakery > Bread",
      "Frozen > Frozen Meals",
    ]);
  });

  it("orders any option list inside the parent first and keeps each group's order", () => {
    const paths = ["B > x", "A > y", "B > z", "A", "C"];
    expect(insideFirst(paths, (p) => p, "A")).toEqual(["A > y", "A", "B > x", "B > z", "C"]);
    expect(insideFirst(paths, (p) => p, null)).toEqual(paths);
  });
});
