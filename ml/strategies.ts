import { DEFAULT_FEATURES, type FeatureConfig, type TextInput, featurize } from "./features";
import { fmix32 } from "./hash";
import { kmeans } from "./kmeans";
import type { Prediction } from "./prediction";
import { createRng, permutation, type Rng } from "./rng";

export type Strategy = "random" | "least_confidence" | "margin" | "entropy";
export type ReviewCandidate = { id: string | number; prediction: Prediction };
export type ReviewPick = { id: string | number; score: number; reason: string };

export type SelectForReviewArgs = {
  candidates: readonly ReviewCandidate[];
  strategy: Strategy;
  n: number;
  /** Spread the batch over clusters of the most uncertain candidates. */
  diversity?: boolean;
  seed?: number;
  /** With diversity: cluster the top n × candidateFactor candidates (default 10). */
  candidateFactor?: number;
};

/** Informativeness: higher means more worth a human look. */
export function uncertaintyScore(p: Prediction, strategy: Exclude<Strategy, "random">): number {
  if (strategy === "least_confidence") return 1 - p.confidence;
  if (strategy === "margin") return 1 - p.margin;
  return p.entropy;
}

function reasonFor(strategy: Strategy, p: Prediction): string {
  if (strategy === "least_confidence") return `low confidence ${p.confidence.toFixed(3)}`;
  if (strategy === "margin") return `small margin ${p.margin.toFixed(3)} between the top two categories`;
  if (strategy === "entropy") return `high entropy ${p.entropy.toFixed(3)} nats`;
  return "random draw";
}

/** Candidate indices, most informative first (random: a seeded shuffle). Ties keep input order. */
function ranked(
  cands: readonly ReviewCandidate[],
  strategy: Strategy,
  rng: Rng,
): { order: number[]; scores: Float64Array } {
  const scores = new Float64Array(cands.length);
  if (strategy === "random") {
    const perm = permutation(cands.length, rng);
    perm.forEach((idx, rank) => (scores[idx] = 1 - rank / Math.max(1, cands.length)));
  } else cands.forEach((c, i) => (scores[i] = uncertaintyScore(c.prediction, strategy)));
  const order = Array.from({ length: cands.length }, (_, i) => i).sort(
    (a, b) => (scores[b] as number) - (scores[a] as number) || a - b,
  );
  return { order, scores };
}

/** Picks the next items for human review. */
export function selectForReview(args: SelectForReviewArgs): ReviewPick[] {
  const rng = createRng(args.seed ?? 1);
  const n = Math.max(0, Math.min(args.n, args.candidates.length));
  const { order, scores } = ranked(args.candidates, args.strategy, rng);
  const pick = (i: number, extra = ""): ReviewPick => {
    const c = args.candidates[i] as ReviewCandidate;
    return { id: c.id, score: scores[i] as number, reason: reasonFor(args.strategy, c.prediction) + extra };
  };
  if (!args.diversity || n <= 1) return order.slice(0, n).map((i) => pick(i));
  const top = order.slice(0, Math.min(order.length, n * (args.candidateFactor ?? 10)));
  const clusters = clusterCandidates(
    top.map((i) => (args.candidates[i] as ReviewCandidate).prediction),
    n,
    rng,
  );
  const taken = new Set<number>();
  const seen = new Set<number>();
  // `top` is sorted by score, so the first member met of each cluster is its most informative.
  top.forEach((cand, j) => {
    const cl = clusters[j] as number;
    if (!seen.has(cl) && taken.size < n) {
      seen.add(cl);
      taken.add(cand);
    }
  });
  for (const cand of top) if (taken.size < n) taken.add(cand); // fewer clusters than n: fill by score
  const out: ReviewPick[] = [];
  top.forEach((cand, j) => {
    if (taken.has(cand)) out.push(pick(cand, `; diversity cluster ${clusters[j]} of the top ${top.length}`));
  });
  return out;
}

/** Clusters predictions by embedding; without embeddings, by predicted category. */
function clusterCandidates(preds: Prediction[], k: number, rng: Rng): Int32Array {
  const first = preds[0]?.embedding;
  if (!first || preds.some((p) => !p.embedding || p.embedding.length !== first.length)) {
    return Int32Array.from(preds, (p) => p.top[0]?.classIndex ?? 0);
  }
  const d = first.length;
  const x = new Float32Array(preds.length * d);
  preds.forEach((p, i) => x.set(p.embedding as Float32Array, i * d));
  return kmeans(x, preds.length, d, k, rng);
}

/** Signed random projection of hashed features: a model-free embedding for cold start. */
function randomProjection(inputs: readonly TextInput[], cfg: FeatureConfig, d: number): Float32Array {
  const f = featurize(inputs, cfg);
  const out = new Float32Array(inputs.length * d);
  for (let i = 0; i < inputs.length; i++) {
    for (let p = f.offsets[i] as number; p < (f.offsets[i + 1] as number); p++) {
      const base = Math.imul(f.ids[p] as number, 0x9e3779b1);
      const w = f.weights[p] as number;
      for (let j = 0; j < d; j++) out[i * d + j]! += fmix32(base + j) & 1 ? w : -w;
    }
    let s = 0;
    for (let j = 0; j < d; j++) s += (out[i * d + j] as number) ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < d; j++) out[i * d + j]! *= inv;
  }
  return out;
}

/**
 * Cold start (no model yet): a diverse, representative sample of the pool.
 * Clusters a random subset (≤ max(20n, 2000) items) into n groups in a
 * random projection of the hashed n-grams and takes the member nearest each centre.
 */
export function coldStartSample(args: {
  items: readonly { id: string | number; input: TextInput }[];
  n: number;
  seed?: number;
  features?: FeatureConfig;
}): ReviewPick[] {
  const rng = createRng(args.seed ?? 1);
  const n = Math.max(0, Math.min(args.n, args.items.length));
  if (n === 0) return [];
  const m = Math.min(args.items.length, Math.max(20 * n, 2000));
  const sub = Array.from(permutation(args.items.length, rng).subarray(0, m));
  const d = 64;
  const x = randomProjection(
    sub.map((i) => (args.items[i] as { input: TextInput }).input),
    args.features ?? DEFAULT_FEATURES,
    d,
  );
  const assign = kmeans(x, m, d, n, rng);
  const centres = new Float64Array(n * d);
  assign.forEach((c, i) => {
    for (let j = 0; j < d; j++) centres[c * d + j]! += x[i * d + j] as number;
  });
  const best = new Map<number, { i: number; sim: number }>();
  assign.forEach((c, i) => {
    let sim = 0;
    for (let j = 0; j < d; j++) sim += (centres[c * d + j] as number) * (x[i * d + j] as number);
    const cur = best.get(c);
    if (!cur || sim > cur.sim) best.set(c, { i, sim });
  });
  const picks = [...best.values()].map((b) => b.i);
  for (let i = 0; picks.length < n && i < m; i++) if (!picks.includes(i)) picks.push(i);
  return picks.slice(0, n).map((i) => ({
    id: (args.items[sub[i] as number] as { id: string | number }).id,
    score: 0,
    reason: "cold start: representative of a cluster of the pool",
  }));
}
