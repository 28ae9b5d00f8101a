/** What an empty batch grid says: the filters that emptied it, and what would fill it, rather than one generic line. */
import type { BatchFilters } from "./batch-filters";

const REASON: Record<BatchFilters["reason"], { label: string; why: string } | null> = {
  all: null,
  uncertain: {
    label: "uncertain, unlabelled",
    why: "Every uncertain prediction has a label: a new model version brings new ones.",
  },
  audit: {
    label: "awaiting audit",
    why: "Auto-accepted items are sampled for audit at the project's audit rate (Settings); none is waiting.",
  },
  auto_accepted: {
    label: "auto-accepted",
    why: "The active version has auto-accepted nothing that matches: no threshold is certified yet, or its confidence is below it.",
  },
  disputed: {
    label: "second opinion disagrees",
    why: "No second opinion disagrees with a first label (or every disagreement has been settled).",
  },
  suspect: {
    label: "suspected wrong label",
    why: "No unreviewed label is suspected: suspects are found after each training run.",
  },
};
const LABEL: Record<BatchFilters["labelState"], string | null> = {
  any: null,
  unlabelled: "unlabelled",
  human: "human label",
  auto: "auto label",
  import: "imported label",
};

const pct = (p: number) => `${Math.round(p * 1000) / 10}%`;

export function emptyGridText(
  f: BatchFilters,
  categoryPath: string | null,
): { title: string; body: string; filtered: boolean } {
  const parts: string[] = [];
  const reason = REASON[f.reason];
  if (reason) parts.push(reason.label);
  const label = LABEL[f.labelState];
  if (label) parts.push(label);
  if (f.within !== undefined) parts.push(`within ${f.within}`);
  if (f.categoryId !== undefined) parts.push(`predicted ${categoryPath ?? "in the chosen category"}`);
  if (f.minConfidence !== undefined || f.maxConfidence !== undefined)
    parts.push(`confidence ${pct(f.minConfidence ?? 0)}–${pct(f.maxConfidence ?? 1)}`);
  if (parts.length === 0)
    return { title: "Nothing to review", body: "The active model has no predictions on pool items.", filtered: false };
  const hints: string[] = [];
  if (reason) hints.push(reason.why);
  if (f.minConfidence !== undefined || f.maxConfidence !== undefined) hints.push("Widen the confidence range.");
  if (f.categoryId !== undefined || f.within !== undefined) hints.push("Pick another category.");
  if (label) hints.push("Choose another label state.");
  return { title: `No predictions: ${parts.join(" · ")}`, body: hints.join(" "), filtered: true };
}
