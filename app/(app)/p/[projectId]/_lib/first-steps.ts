/**
 * A new project's first steps, in the order the loop needs them: a taxonomy to
 * label with, items to label, people's first labels, a gold set to grade the
 * model on, and a first model. Read from the overview's counts and the
 * evaluation status (whose blocking message says why nothing is automated), so
 * the walkthrough can never disagree with the rest of the page.
 */
export type StepKey = "taxonomy" | "items" | "labels" | "gold" | "model";

export type FirstStep = {
  key: StepKey;
  title: string;
  done: boolean;
  /** What to do (or what was done), in a sentence. */
  detail: string;
  /** The page that does it. */
  segment: string;
};

export type FirstStepsInput = {
  categoryCount: number;
  itemCounts: { pool: number; test: number };
  labelCounts: { human: number; auto: number; import: number };
  activeModelVersionId: number | null;
  retrainEveryLabels: number;
  gold: { total: number; needed: number };
};

const n = (x: number, one: string, many: string) => `${x.toLocaleString("en-US")} ${x === 1 ? one : many}`;

export function firstSteps(s: FirstStepsInput): FirstStep[] {
  const labels = s.labelCounts.human + s.labelCounts.import;
  const retrain =
    s.retrainEveryLabels > 0
      ? `Training starts by itself after every ${n(s.retrainEveryLabels, "new label", "new labels")}, or from Models, "Train now".`
      : 'Start it from Models, "Train now" (automatic retraining is off in Settings).';
  return [
    {
      key: "taxonomy",
      title: "Load the taxonomy",
      done: s.categoryCount >= 2,
      detail:
        s.categoryCount >= 2
          ? `${n(s.categoryCount, "category", "categories")}.`
          : "Import a file of category paths (A > B > C), or add them one by one: the model needs at least two.",
      segment: "categories",
    },
    {
      key: "items",
      title: "Import items",
      done: s.itemCounts.pool > 0,
      detail:
        s.itemCounts.pool > 0
          ? `${n(s.itemCounts.pool, "item", "items")} to label.`
          : "Upload a CSV or JSONL of product titles (id, title, optionally category and split) on the Data page.",
      segment: "data",
    },
    {
      key: "labels",
      title: "Label the first items",
      done: labels > 0,
      detail:
        labels > 0
          ? `${n(labels, "label", "labels")} from people or the import.`
          : "Review items one at a time on the Review page: every decision is a label the model learns from.",
      segment: "review",
    },
    {
      key: "gold",
      title: "Build the gold set",
      done: s.gold.total >= s.gold.needed,
      detail: `${n(s.gold.total, "gold item", "gold items")} of the ${s.gold.needed.toLocaleString("en-US")} the precision target needs before anything can be certified: import items with split "test", or decide the evaluation picks the queue mixes in.`,
      segment: "review",
    },
    {
      key: "model",
      title: "Train the first model",
      done: s.activeModelVersionId !== null,
      detail: s.activeModelVersionId !== null ? `Version #${s.activeModelVersionId} is active.` : retrain,
      segment: "models",
    },
  ];
}

/** The first step not done yet, or null once every one is. */
export function nextStep(steps: FirstStep[]): FirstStep | null {
  return steps.find((s) => !s.done) ?? null;
}
