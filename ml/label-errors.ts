/**
 * Label-error detection by confident learning (Northcutt, Jiang & Chuang, JAIR 2021),
 * on out-of-fold probabilities: an item is suspect when the model that never saw it
 * gives its label less than chance, or is confidently and clearly sure of another class.
 *
 * Pure arithmetic over arrays; deterministic; inputs are not modified.
 */

export type LabelErrorFlag = {
  /** Row of the item in the input. */
  index: number;
  /** The class the item probably belongs to (its confident class when it has one). */
  suggested: number;
  /** p(suggested) − p(given): the ranking. */
  score: number;
  givenProbability: number;
  suggestedProbability: number;
};

/** n × k probabilities: row-major in one array, or one row per item. */
export type ProbabilityRows = Float32Array | Float64Array | readonly ArrayLike<number>[];

export type LabelErrorInput = {
  probabilities: ProbabilityRows;
  labels: ArrayLike<number>;
  numClasses: number;
};

/** Row `i` of `p` as a function of the class, whatever the layout. */
function rowReader(p: ProbabilityRows, n: number, k: number): (i: number, j: number) => number {
  if (Array.isArray(p)) {
    const rows = p as readonly ArrayLike<number>[];
    if (rows.length !== n) throw new Error(`labelErrors: ${rows.length} probability rows for ${n} labels`);
    for (const [i, r] of rows.entries())
      if (r.length !== k) throw new Error(`labelErrors: row ${i} has ${r.length} probabilities, expected ${k}`);
    return (i, j) => (rows[i] as ArrayLike<number>)[j] as number;
  }
  const flat = p as Float32Array | Float64Array;
  if (flat.length !== n * k) throw new Error(`labelErrors: ${flat.length} probabilities for ${n} × ${k}`);
  return (i, j) => flat[i * k + j] as number;
}

function checkLabels(labels: ArrayLike<number>, k: number): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    if (!Number.isInteger(y) || y < 0 || y >= k) throw new Error(`labelErrors: label ${y} at ${i} outside 0..${k - 1}`);
  }
}

/**
 * Per-class thresholds t_j: the mean predicted probability of class j over the items
 * labelled j (the class's self-confidence). `null` for a class no item is labelled with.
 */
export function selfConfidenceThresholds(input: LabelErrorInput): (number | null)[] {
  const { labels, numClasses: k } = input;
  const n = labels.length;
  checkLabels(labels, k);
  const p = rowReader(input.probabilities, n, k);
  const sum = new Float64Array(k);
  const count = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const y = labels[i] as number;
    sum[y]! += p(i, y);
    count[y]! += 1;
  }
  return Array.from(sum, (s, j) => ((count[j] as number) > 0 ? s / (count[j] as number) : null));
}

/** The confident class of row `i`: the candidate (p_j ≥ t_j) of highest p, lowest index on a tie; -1 if none. */
function confidentClass(p: (i: number, j: number) => number, i: number, t: (number | null)[], skip = -1): number {
  let best = -1;
  for (let j = 0; j < t.length; j++) {
    const tj = t[j];
    if (j !== skip && tj !== null && tj !== undefined && p(i, j) >= tj && (best < 0 || p(i, j) > p(i, best))) best = j;
  }
  return best;
}

/** The labelled class (one with a threshold) other than `given` of highest p; -1 if none. */
function bestOther(p: (i: number, j: number) => number, i: number, t: (number | null)[], given: number): number {
  let best = -1;
  for (let j = 0; j < t.length; j++)
    if (j !== given && t[j] !== null && t[j] !== undefined && (best < 0 || p(i, j) > p(i, best))) best = j;
  return best;
}

const byScore = (a: LabelErrorFlag, b: LabelErrorFlag) => b.score - a.score || a.index - b.index;

function flag(p: (i: number, j: number) => number, i: number, given: number, suggested: number): LabelErrorFlag {
  const g = p(i, given);
  const s = p(i, suggested);
  return { index: i, suggested, score: s - g, givenProbability: g, suggestedProbability: s };
}

/**
 * The classic rule (the off-diagonal of the confident joint, paper §3.1): candidates
 * of an item are the classes with p_j ≥ t_j, its confident class the candidate of
 * highest p; the item is flagged when that class is not its label. Items without a
 * candidate are not flagged. Kept for comparison: see `findLabelErrors`.
 */
export function confidentJointFlags(input: LabelErrorInput): LabelErrorFlag[] {
  const { labels, numClasses: k } = input;
  const t = selfConfidenceThresholds(input);
  const p = rowReader(input.probabilities, labels.length, k);
  const flags: LabelErrorFlag[] = [];
  for (let i = 0; i < labels.length; i++) {
    const given = labels[i] as number;
    const c = confidentClass(p, i, t);
    if (c >= 0 && c !== given) flags.push(flag(p, i, given, c));
  }
  return flags.sort(byScore);
}

export type FindLabelErrorsOptions = {
  /** Below this probability a label is suspect; default chance, 1 / (classes with labels). */
  floor?: number;
  /** A label above the floor is suspect when its confident class is likelier by this much; default 0.8. */
  margin?: number;
};

/**
 * The items whose label is probably wrong, by the out-of-fold model, most suspect
 * first. An item labelled g is flagged when
 *  - the model gives g less than chance (p_g < 1/k, k the classes with labels: a
 *    uniform guess among them) and another class more, or
 *  - its confident class c (the candidate, p_c ≥ t_c, of highest p) is not g and
 *    p_c − p_g ≥ 0.8: the classic rule, kept for the confident cases only.
 * The suggestion is the confident class when it is likelier than g, else the likeliest
 * other class. Classes no item is labelled with have no threshold and are never suggested.
 *
 * Why not the classic rule alone (`confidentJointFlags`): a model trained on noisy
 * labels is rarely as sure of a mislabelled item's true class as of the average item
 * of that class, so p_true ≥ t_true misses many flipped labels (demo, 10% flipped:
 * recall 0.77); and where the classes themselves are hard, the model is confidently
 * wrong about many correct labels it still finds plausible (instacart: precision 0.25).
 * A label less likely than a uniform guess is a different matter. With both branches:
 * demo 0.98 / 0.98, instacart 0.64 / 0.94 (precision / recall, 10% flipped uniformly).
 * The second branch brings back flips to a related class, which keep more than chance:
 * demo with sibling flips, recall 0.61 → 0.75 at precision 0.98 (bench/label-errors.ts).
 */
export function findLabelErrors(input: LabelErrorInput, opts: FindLabelErrorsOptions = {}): LabelErrorFlag[] {
  const { labels, numClasses: k } = input;
  const t = selfConfidenceThresholds(input);
  const floor = opts.floor ?? 1 / Math.max(1, t.filter((x) => x !== null).length);
  const margin = opts.margin ?? 0.8;
  const p = rowReader(input.probabilities, labels.length, k);
  const flags: LabelErrorFlag[] = [];
  for (let i = 0; i < labels.length; i++) {
    const given = labels[i] as number;
    const pg = p(i, given);
    const c = confidentClass(p, i, t, given);
    if (pg < floor) {
      const suggested = c >= 0 && p(i, c) > pg ? c : bestOther(p, i, t, given);
      if (suggested >= 0 && p(i, suggested) > pg) flags.push(flag(p, i, given, suggested));
    } else if (c >= 0 && p(i, c) - pg >= margin) flags.push(flag(p, i, given, c));
  }
  return flags.sort(byScore);
}

/** Row-wise softmax of n × k logits (numerically stable), as a new array. */
export function softmaxRows(logits: ArrayLike<number>, numClasses: number, temperature = 1): Float32Array {
  const k = numClasses;
  if (k <= 0 || logits.length % k !== 0) throw new Error(`softmaxRows: ${logits.length} logits are not rows of ${k}`);
  const out = new Float32Array(logits.length);
  for (let r = 0; r < logits.length; r += k) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, (logits[r + j] as number) / temperature);
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.exp((logits[r + j] as number) / temperature - max);
      out[r + j] = e;
      sum += e;
    }
    for (let j = 0; j < k; j++) out[r + j] = (out[r + j] as number) / sum;
  }
  return out;
}
