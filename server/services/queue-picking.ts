/**
 * The one place the queue asks "which of these candidates?". The ML library
 * (`ml/`) will export selectForReview / coldStartSample; until it does, these
 * fallbacks keep the same contract so swapping them in touches only this file.
 */
import type { ProjectSettings } from "@/db/schema";
import { createRng, shuffleInPlace } from "@/ml/rng";

export type Strategy = ProjectSettings["strategy"];

export type CandidatePrediction = {
  confidence: number;
  margin: number;
  entropy: number;
  embedding: Float32Array | null;
};

export type ReviewCandidate = { id: number; prediction: CandidatePrediction };
export type ColdStartCandidate = { id: number; input: { title: string; description: string | null } };

/** Near-duplicates above this cosine similarity are passed over while others remain. */
const DUPLICATE_SIMILARITY = 0.92;

/** The number the strategy ranks by, shown to the annotator as "why this item". */
export function strategyScore(strategy: Strategy, p: Omit<CandidatePrediction, "embedding">): number | null {
  if (strategy === "margin") return p.margin;
  if (strategy === "least_confidence") return p.confidence;
  if (strategy === "entropy") return p.entropy;
  return null;
}

function compareByStrategy(strategy: Strategy) {
  return (a: ReviewCandidate, b: ReviewCandidate): number => {
    const sa = strategyScore(strategy, a.prediction) ?? 0;
    const sb = strategyScore(strategy, b.prediction) ?? 0;
    const d = strategy === "entropy" ? sb - sa : sa - sb;
    return d !== 0 ? d : a.id - b.id;
  };
}

export function cosine(a: Float32Array, b: Float32Array): number {
  const len = Math.min(a.length, b.length);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < len; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** Greedy: keep strategy order but pass over near-duplicates of what is already picked. */
function diverseTake(sorted: ReviewCandidate[], n: number): ReviewCandidate[] {
  const picked: ReviewCandidate[] = [];
  const passed: ReviewCandidate[] = [];
  for (const c of sorted) {
    if (picked.length >= n) break;
    const e = c.prediction.embedding;
    const dup = e && picked.some((p) => p.prediction.embedding && cosine(e, p.prediction.embedding) > DUPLICATE_SIMILARITY);
    (dup ? passed : picked).push(c);
  }
  return picked.concat(passed.slice(0, n - picked.length));
}

/** Ids to review, best first. */
export function pickForReview(p: {
  candidates: ReviewCandidate[];
  strategy: Strategy;
  n: number;
  diversity: boolean;
  seed: number;
}): number[] {
  const list = [...p.candidates];
  if (p.strategy === "random") {
    shuffleInPlace(list, createRng(p.seed));
    return list.slice(0, p.n).map((c) => c.id);
  }
  list.sort(compareByStrategy(p.strategy));
  const chosen = p.diversity ? diverseTake(list, p.n) : list.slice(0, p.n);
  return chosen.map((c) => c.id);
}

/** Ids for a project with no model yet: a seeded random sample. */
export function pickColdStart(p: { items: ColdStartCandidate[]; n: number; seed: number }): number[] {
  const list = [...p.items];
  shuffleInPlace(list, createRng(p.seed));
  return list.slice(0, p.n).map((c) => c.id);
}
