import { describe, expect, it } from "vitest";
import { explainPick } from "./review-choices";
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
