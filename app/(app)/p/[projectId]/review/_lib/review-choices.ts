/**
 * What the digit keys pick and what "why this item" says, from a task's
 * handoff context. Pure, so the page and its tests agree.
 */
import { confidentAncestor, isUnder, type AncestorProbability } from "@/ml/taxonomy";
import type { HistoryEntry, Task } from "./review-types";

export const MAX_CHOICES = 9;

export type ChoiceSource = "model" | "suspect" | "neighbour" | "recent";
export type NumberedChoice = {
  /** The key that picks it: "1" … "9". */
  key: string;
  categoryId: number;
  path: string;
  source: ChoiceSource;
  /** Calibrated probability, for the model's suggestions. */
  prob: number | null;
  /** The model's top suggestion: picking it is an accept, not a correction. */
  isSuggestion: boolean;
  /** Deleted categories stay visible (so the person sees why) but cannot be picked. */
  available: boolean;
};

/**
 * The parent the model is sure of while unsure of the leaf ("Frozen 96% · which subcategory?"):
 * the deepest ancestor whose probability (the sum over its categories) reaches 0.8 while the top
 * category's does not. Null for flat taxonomies, sure leaves, or predictions scored before it.
 */
export function likelyParent(task: Task): AncestorProbability | null {
  const p = task.handoff.prediction;
  if (!p || p.ancestors.length === 0) return null;
  return confidentAncestor(
    p.confidence,
    p.ancestors.map((a, i) => ({ ...a, depth: i + 1 })),
  );
}

/** Stable: options inside `parent` first (when there is one), the rest after in their order. */
export function insideFirst<T>(options: readonly T[], pathOf: (o: T) => string, parent: string | null): T[] {
  if (!parent) return [...options];
  return [...options.filter((o) => isUnder(pathOf(o), parent)), ...options.filter((o) => !isUnder(pathOf(o), parent))];
}

/**
 * The model's top-k first, then the categories of the nearest labelled items,
 * then what this person chose recently; each category once, at most nine. When the model is
 * sure of the parent only, the alternatives inside that parent come before the others.
 */
export function numberedChoices(
  task: Task,
  recent: { categoryId: number; path: string }[],
  live: ReadonlyMap<number, string> | null,
): NumberedChoice[] {
  const all: NumberedChoice[] = [];
  const seen = new Set<number>();
  const deleted = new Set(task.repick?.deletedPaths ?? []);
  const add = (
    categoryId: number | null,
    path: string | null,
    source: ChoiceSource,
    prob: number | null,
    isSuggestion: boolean,
    flaggedDeleted: boolean,
  ) => {
    if (categoryId === null || path === null || seen.has(categoryId)) return;
    seen.add(categoryId);
    const available = !flaggedDeleted && !deleted.has(path) && (live === null || live.has(categoryId));
    all.push({
      key: "",
      categoryId,
      path: live?.get(categoryId) ?? path,
      source,
      prob,
      isSuggestion,
      available,
    });
  };
  const audited = auditedLabel(task);
  const probOf = (id: number) => task.handoff.prediction?.top.find((t) => t.categoryId === id)?.prob ?? null;
  if (audited) add(audited.categoryId, audited.path, "model", probOf(audited.categoryId), true, audited.deleted);
  // A suspected wrong label: the detector's suggestion, then the label as it stands (choosing it keeps it).
  const suspect = task.handoff.suspect;
  if (suspect) {
    add(suspect.suggestedCategoryId, suspect.suggestedPath, "suspect", null, false, false);
    add(suspect.givenCategoryId, suspect.givenPath, "suspect", null, false, false);
  }
  task.handoff.prediction?.top.forEach((t, i) =>
    add(t.categoryId, t.path, "model", t.prob, !audited && i === 0, t.deleted),
  );
  for (const n of task.handoff.neighbours.items)
    add(n.label.categoryId, n.label.path, "neighbour", null, false, n.label.deleted);
  for (const r of recent) add(r.categoryId, r.path, "recent", null, false, false);
  // What Enter takes and what a suspect pick is about stay first; the alternatives follow, parent's first.
  const lead = all.filter(
    (c) => c.isSuggestion || c.source === "suspect" || (audited && c.categoryId === audited.categoryId),
  );
  const rest = all.filter((c) => !lead.includes(c));
  const parent = likelyParent(task)?.path ?? null;
  return [...lead, ...insideFirst(rest, (c) => c.path, parent)]
    .slice(0, MAX_CHOICES)
    .map((c, i) => ({ ...c, key: String(i + 1) }));
}

/**
 * An audit shows the auto label under review: accepting confirms that label
 * (the server does the same), even when a newer model would suggest another.
 */
export function auditedLabel(task: Task): { categoryId: number; path: string; deleted: boolean } | null {
  const l = task.handoff.currentLabel;
  if (task.handoff.pick.reason !== "audit" || l?.source !== "auto" || l.categoryId === null || l.path === null)
    return null;
  return { categoryId: l.categoryId, path: l.path, deleted: l.deleted };
}

/** What Enter accepts: the audited auto label, else the model's top suggestion. */
export function acceptedSuggestion(task: Task): { categoryId: number; path: string } | null {
  const a = auditedLabel(task);
  if (a) return a;
  const top = task.handoff.prediction?.top[0];
  return top && top.categoryId !== null && top.path !== null ? { categoryId: top.categoryId, path: top.path } : null;
}

/** Categories this person chose lately, most recent first, each once. */
/** The choice Enter takes: the suggestion, when its category is still live. */
export function offeredSuggestion(choices: readonly NumberedChoice[]): NumberedChoice | null {
  return choices.find((c) => c.isSuggestion && c.available) ?? null;
}

export function recentCategories(history: HistoryEntry[], limit = 6): { categoryId: number; path: string }[] {
  const out: { categoryId: number; path: string }[] = [];
  for (const h of [...history].reverse()) {
    if (out.length >= limit) break;
    if (h.categoryId !== null && h.categoryPath !== null && !out.some((o) => o.categoryId === h.categoryId))
      out.push({ categoryId: h.categoryId, path: h.categoryPath });
  }
  return out;
}

export type PickExplanation = { label: string; detail: string; tone: "accent" | "warn" | "neutral" };

const fmt = (x: number, digits = 2) => x.toFixed(digits);

/** "Uncertain: margin 0.04", "Audit of an auto-accept", "Cold start" — with one sentence of why. */
export function explainPick(task: Task): PickExplanation {
  const { pick, prediction, currentLabel } = task.handoff;
  if (pick.reason === "audit") {
    const auto = currentLabel?.source === "auto" && currentLabel.path ? ` as “${currentLabel.path}”` : "";
    return {
      label: "Audit of an auto-accept",
      detail: `The model labelled this item automatically${auto}. A random sample of auto-accepts is checked by people to measure their precision.`,
      tone: "warn",
    };
  }
  if (pick.reason === "cold_start") {
    return {
      label: "Cold start",
      detail:
        "There is no model yet, so items are sampled at random across the catalogue. Your labels train the first model.",
      tone: "neutral",
    };
  }
  if (pick.reason === "uncertain") return explainUncertain(pick.strategy, pick.score);
  if (pick.reason === "suspect") {
    const s = task.handoff.suspect;
    return {
      label: "Suspected wrong label",
      detail: s
        ? `Labelled “${s.givenPath ?? "?"}”, but models that never saw this label say “${s.suggestedPath ?? "?"}”. Keep the label (choose it) or change it.`
        : "Models that never saw this label disagree with it. Keep it or change it.",
      tone: "warn",
    };
  }
  if (pick.reason === "evaluation")
    return {
      label: "Evaluation",
      detail: prediction
        ? "Picked at random from the catalogue: your label measures the model and is never used to train it."
        : "Picked at random from the catalogue: your label measures the model and is never used to train it. The model's suggestion is hidden so that it cannot sway you.",
      tone: "accent",
    };
  if (pick.reason === "overlap")
    return {
      label: "Second opinion",
      detail: "Another person already labelled this item; agreement is measured.",
      tone: "neutral",
    };
  return prediction
    ? {
        label: "Random sample",
        detail: "Picked at random so the labels also cover what the model is sure about.",
        tone: "neutral",
      }
    : {
        label: "Not scored yet",
        detail: "This item arrived after the current model scored the pool, so there is no suggestion yet.",
        tone: "neutral",
      };
}

/** Below this margin the top two are "close"; above it the item is only the least sure of what is left. */
const CLOSE_MARGIN = 0.2;
/** Above this confidence the best guess is not "unsure" any more. */
const UNSURE_CONFIDENCE = 0.7;

/**
 * The margin in percentage points between the top two, to one decimal under 10
 * (the most uncertain items sit within a point of each other, which two
 * decimals of a probability rounded to "0.00").
 */
function marginPoints(m: number): string {
  const pts = Math.max(0, m) * 100;
  return pts < 10 ? `${pts.toFixed(1)} points` : `${Math.round(pts)} points`;
}

function explainUncertain(strategy: Task["handoff"]["pick"]["strategy"], s: number | null): PickExplanation {
  const tone = "accent" as const;
  if (s === null) return { label: "Uncertain", detail: "Picked for review by the model's uncertainty.", tone };
  if (strategy === "margin") {
    const close = s < CLOSE_MARGIN;
    return {
      label: `Uncertain: top two ${marginPoints(s)} apart`,
      detail: close
        ? "The model's top two categories are close; a label here teaches it the most."
        : "The most uncertain item left, though the model clearly prefers its first category.",
      tone,
    };
  }
  if (strategy === "least_confidence") {
    return {
      label: `Uncertain: confidence ${Math.round(s * 100)}%`,
      detail:
        s < UNSURE_CONFIDENCE
          ? "The model is not confident in its best guess; a label here teaches it the most."
          : "The least confident item left, though the model is fairly sure of its best guess.",
      tone,
    };
  }
  return {
    label: `Uncertain: entropy ${fmt(s)}`,
    detail: "The model spreads its belief over several categories; a label here teaches it the most.",
    tone,
  };
}

/** "97%" / "<1%": calibrated probabilities as people read them. */
export function percent(p: number): string {
  if (p < 0.01) return "<1%";
  if (p > 0.99 && p < 1) return ">99%";
  return `${Math.round(p * 100)}%`;
}
