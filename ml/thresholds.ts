import type { Prediction } from "./prediction";
import { clopperPearsonLower, wilsonLower } from "./stats";

export type BoundMethod = "wilson" | "clopper-pearson";

export type CurvePoint = { threshold: number; coverage: number; precision: number; lowerBound: number };

export type Thresholds = {
  targetPrecision: number;
  confidenceLevel: number;
  bound: BoundMethod;
  /** Lowest confidence whose accepted set certifies the target overall, or null. */
  global: number | null;
  /** Which scheme was kept: per-class (with global fallback) or one global threshold. */
  mode: "per-class" | "global";
  /** Threshold used per predicted class (its own, the global fallback, or null = never auto-accept). */
  perClass: (number | null)[];
  /** How each class got its threshold. */
  perClassSource: ("class" | "global" | "none")[];
  /** Coverage vs precision on the certification set, by descending threshold. */
  curve: CurvePoint[];
  /** Plain statement when nothing can be auto-accepted. */
  reason?: string;
};

export type SelectThresholdsArgs = {
  confidences: ArrayLike<number>;
  predicted: ArrayLike<number>;
  correct: ArrayLike<boolean | number>;
  numClasses: number;
  targetPrecision: number;
  /** One-sided confidence of the lower bound (default 0.95). */
  confidenceLevel?: number;
  /**
   * Predicted-class count below which a class uses the global threshold (default 300: a class bound on fewer items is
   * so wide it mostly costs coverage).
   */
  minClassSupport?: number;
  bound?: BoundMethod;
  /**
   * "auto" (default) keeps whichever certified scheme accepts more of the
   * certification set: per-class thresholds guarantee the target per class and
   * so accept less when some classes cannot reach it; one global threshold
   * guarantees it over all auto-accepted items together.
   */
  mode?: "auto" | "per-class" | "global";
};

type Item = { conf: number; ok: boolean };

function lower(bound: BoundMethod, k: number, n: number, level: number): number {
  return bound === "wilson" ? wilsonLower(k, n, level) : clopperPearsonLower(k, n, level);
}

/**
 * From this many labelled items on, the scan also starts from 1/8 and 1/4 of
 * them (the error budget split three ways): a noisy top (a few confidently
 * "wrong" items whose label is itself wrong, common in real catalogues) ends a
 * scan from the top at once, while a larger slice below it would pass. Smaller
 * sets keep the whole budget for one scan: splitting it costs them more than
 * a noisy top does. The rule looks at the count only, never at the labels.
 */
export const MULTI_START_MIN_ITEMS = 4000;
const LATER_STARTS = [1 / 8, 1 / 4];

/**
 * The least evidence any threshold can be certified on: `perfectRecord` items
 * all right pass the bound at the target, so fewer evidence items can certify
 * nothing at all. `firstLook` (4× that) is where the scan first looks on a
 * large evidence set, so that a few errors at the top do not end it.
 */
export function certificationMinimum(
  target: number,
  level = 0.95,
  bound: BoundMethod = "wilson",
): { perfectRecord: number; firstLook: number } {
  let k = 1;
  while (k < 1_000_000 && lower(bound, k, k, level) < target) k++;
  return { perfectRecord: k, firstLook: 4 * k };
}

/**
 * Where the scan first looks on `n` evidence items: at half of them, never
 * before a perfect record could pass and never after `firstLook`. It depends on
 * the count only, never on the labels, so the scan stays a fixed sequence. A
 * fixed first look at `firstLook` left a gold set being built in the queue
 * (600 items at 0.98) certifying ~9% of the pool where half of it certifies ~70%
 * with no more misses (simulated on the loop's own training); on sets of
 * 2 × `firstLook` and more nothing changes.
 */
export function firstLookAt(n: number, target: number, level = 0.95, bound: BoundMethod = "wilson"): number {
  const m = certificationMinimum(target, level, bound);
  return Math.max(m.perfectRecord, Math.min(m.firstLook, Math.ceil(n / 2)));
}

/**
 * Certified threshold by fixed-sequence testing: candidate thresholds are
 * visited from high to low confidence, every `N / steps` accepted items,
 * starting at a count fixed by N alone (`firstLookAt`); the scan stops at the first candidate whose lower bound misses the
 * target and returns the last one that passed (null if none). Because the
 * order and the candidates do not depend on the labels, the chance that the
 * returned threshold's true precision is below target stays ≤ 1 − level no
 * matter how many candidates are looked at — taking the lowest passing
 * threshold anywhere would not (it picks lucky stretches on small sets).
 * On large sets (MULTI_START_MIN_ITEMS) three such scans start at fixed
 * shares of the set, each at a third of the error budget (Bonferroni), and
 * the lowest threshold any of them certifies is kept. Ties are accepted together.
 */
export function certifiedThreshold(
  items: Item[],
  target: number,
  level: number,
  bound: BoundMethod,
  steps = 100,
): number | null {
  const sorted = [...items].sort((a, b) => b.conf - a.conf);
  const n = sorted.length;
  const multi = n >= MULTI_START_MIN_ITEMS;
  const scanLevel = multi ? 1 - (1 - level) / (1 + LATER_STARTS.length) : level;
  const step = Math.max(1, Math.ceil(n / steps));
  const first = Math.max(step, firstLookAt(n, target, scanLevel, bound));
  // A later start that falls before the first look is the same scan: run it once (the budget split stays as it is).
  const starts = multi
    ? [...new Set([first, ...LATER_STARTS.map((f) => Math.max(first, Math.round(n * f)))])]
    : [first];
  let best: number | null = null;
  for (const start of starts) {
    const t = scanFrom(sorted, start, step, target, scanLevel, bound);
    if (t !== null && (best === null || t < best)) best = t;
  }
  return best;
}

/** One fixed-sequence scan over `sorted` (descending confidence), first look at `start` items. */
function scanFrom(
  sorted: Item[],
  start: number,
  step: number,
  target: number,
  level: number,
  bound: BoundMethod,
): number | null {
  let check = start;
  let best: number | null = null;
  let ok = 0;
  for (let i = 0; i < sorted.length; i++) {
    const it = sorted[i] as Item;
    if (it.ok) ok++;
    const k = i + 1;
    const next = sorted[i + 1];
    if (k < check || (next && next.conf === it.conf)) continue;
    if (lower(bound, ok, k, level) < target) break;
    best = it.conf;
    check = k + step;
  }
  return best;
}

/** Coverage/precision/bound at up to `points` thresholds (for charts and reports). */
export function precisionCurve(items: Item[], level: number, bound: BoundMethod, points = 100): CurvePoint[] {
  const sorted = [...items].sort((a, b) => b.conf - a.conf);
  const n = sorted.length;
  const out: CurvePoint[] = [];
  const step = Math.max(1, Math.floor(n / points));
  let ok = 0;
  for (let i = 0; i < n; i++) {
    if ((sorted[i] as Item).ok) ok++;
    if ((i + 1) % step === 0 || i === n - 1) {
      const k = i + 1;
      out.push({
        threshold: (sorted[i] as Item).conf,
        coverage: k / n,
        precision: ok / k,
        lowerBound: lower(bound, ok, k, level),
      });
    }
  }
  return out;
}

/**
 * Per-class auto-accept thresholds certified on a random sample of labelled items.
 * Never feed it items picked by uncertainty sampling: the bound assumes the
 * labelled items are representative of what will be auto-accepted.
 */
export function selectThresholds(args: SelectThresholdsArgs): Thresholds {
  const level = args.confidenceLevel ?? 0.95;
  const bound = args.bound ?? "wilson";
  const minSupport = args.minClassSupport ?? 300;
  const n = args.confidences.length;
  if (args.predicted.length !== n || args.correct.length !== n)
    throw new Error("selectThresholds: arrays differ in length");
  const all: Item[] = [];
  const byClass: Item[][] = Array.from({ length: args.numClasses }, () => []);
  for (let i = 0; i < n; i++) {
    const it = { conf: args.confidences[i] as number, ok: Boolean(args.correct[i]) };
    all.push(it);
    byClass[args.predicted[i] as number]?.push(it);
  }
  const global = certifiedThreshold(all, args.targetPrecision, level, bound);
  const perClass: (number | null)[] = [];
  const perClassSource: Thresholds["perClassSource"] = [];
  for (const items of byClass) {
    if (items.length >= minSupport) {
      const t = certifiedThreshold(items, args.targetPrecision, level, bound);
      perClass.push(t);
      perClassSource.push(t === null ? "none" : "class");
    } else {
      perClass.push(global);
      perClassSource.push(global === null ? "none" : "global");
    }
  }
  const accepted = (ths: (number | null)[]) => {
    let k = 0;
    byClass.forEach((items, c) => {
      const t = ths[c];
      if (t !== null && t !== undefined) for (const it of items) if (it.conf >= t) k++;
    });
    return k;
  };
  const mode = args.mode ?? "auto";
  const useGlobal =
    mode === "global" || (mode === "auto" && accepted(perClass.map(() => global)) >= accepted(perClass));
  const res: Thresholds = {
    targetPrecision: args.targetPrecision,
    confidenceLevel: level,
    bound,
    global,
    mode: useGlobal ? "global" : "per-class",
    perClass: useGlobal ? perClass.map(() => global) : perClass,
    perClassSource: useGlobal ? perClass.map(() => (global === null ? "none" : "global")) : perClassSource,
    curve: precisionCurve(all, level, bound),
  };
  if (res.perClass.every((t) => t === null)) {
    res.reason =
      `no threshold: on ${n} labelled items no confidence level reaches precision ${args.targetPrecision} ` +
      `at ${Math.round(level * 100)}% confidence (${bound} bound), so nothing is auto-accepted`;
  }
  return res;
}

/** True when the prediction's top class clears its threshold. */
export function isAutoAccepted(prediction: Prediction, thresholds: Thresholds): boolean {
  const top = prediction.top[0];
  if (!top) return false;
  const t = thresholds.perClass[top.classIndex];
  return t !== null && t !== undefined && prediction.confidence >= t;
}
