/**
 * Categories are paths ("Frozen > Frozen Pizza"), the softmax is flat over the leaves. The
 * probability of an ancestor is the sum of its leaves' probabilities: a model unsure between
 * two frozen aisles can still be sure the product is frozen. Levels count from the top
 * (level 1 = "Frozen"); a category's label at level d is its path cut to d segments (a path
 * shorter than d keeps its full path), so every level partitions the categories.
 */
export const PATH_SEPARATOR = " > ";

export type TaxonomyLevel = {
  /** 1 = top level. */
  depth: number;
  /** Distinct labels at this level, sorted. */
  names: string[];
  /** Label index of each category (class index → index into `names`). */
  groupOf: Int32Array;
};

export type Taxonomy = {
  /** One level per depth, 1 … deepest; the deepest level distinguishes every category. */
  levels: TaxonomyLevel[];
  numClasses: number;
};

export type AncestorProbability = { path: string; depth: number; prob: number };

export function pathSegments(path: string): string[] {
  return path.split(PATH_SEPARATOR);
}

/** The path cut to its first `depth` segments. */
export function ancestorAt(path: string, depth: number): string {
  return pathSegments(path).slice(0, depth).join(PATH_SEPARATOR);
}

export function buildTaxonomy(paths: readonly string[]): Taxonomy {
  const maxDepth = paths.reduce((m, p) => Math.max(m, pathSegments(p).length), 1);
  const levels: TaxonomyLevel[] = [];
  for (let depth = 1; depth <= maxDepth; depth++) {
    const labels = paths.map((p) => ancestorAt(p, depth));
    const names = [...new Set(labels)].sort();
    const index = new Map(names.map((n, i) => [n, i]));
    levels.push({ depth, names, groupOf: Int32Array.from(labels, (l) => index.get(l) as number) });
  }
  return { levels, numClasses: paths.length };
}

/** P(label) at one level: the sum of the probabilities of the categories under each label. */
export function levelProbabilities(probs: ArrayLike<number>, level: TaxonomyLevel): Float64Array {
  if (probs.length !== level.groupOf.length)
    throw new Error(`levelProbabilities: ${probs.length} probabilities for ${level.groupOf.length} categories`);
  const out = new Float64Array(level.names.length);
  for (let c = 0; c < probs.length; c++) {
    const g = level.groupOf[c] as number;
    out[g] = (out[g] as number) + (probs[c] as number);
  }
  return out;
}

/**
 * The most likely label at each level above the leaves (levels whose labels are all full paths
 * are left out), top level first.
 */
export function likelyAncestors(probs: ArrayLike<number>, tax: Taxonomy): AncestorProbability[] {
  const out: AncestorProbability[] = [];
  for (const level of tax.levels) {
    if (level.names.length === tax.numClasses) break;
    const p = levelProbabilities(probs, level);
    let best = 0;
    for (let g = 1; g < p.length; g++) if ((p[g] as number) > (p[best] as number)) best = g;
    out.push({ path: level.names[best] as string, depth: level.depth, prob: p[best] as number });
  }
  return out;
}

/**
 * What to ask when the leaf is uncertain: the deepest likely ancestor whose probability reaches
 * `minProb` while the leaf's does not (e.g. "Frozen 96% · which aisle?"), else null.
 */
export function confidentAncestor(
  leafConfidence: number,
  ancestors: readonly AncestorProbability[],
  minProb = 0.8,
): AncestorProbability | null {
  if (leafConfidence >= minProb) return null;
  let found: AncestorProbability | null = null;
  for (const a of ancestors) if (a.prob >= minProb) found = a;
  return found;
}

/** True when `path` is `ancestor` itself or below it. */
export function isUnder(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(ancestor + PATH_SEPARATOR);
}
