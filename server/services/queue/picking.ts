/**
 * The one place the queue asks ml "which of these candidates?": adapts DB
 * rows to ml's types, so the rest of the queue never imports ml.
 */
import type { ProjectSettings } from "@/db/schema";
import { coldStartSample, initBackend, selectForReview, type Prediction } from "@/ml";

export type Strategy = ProjectSettings["strategy"];

export type CandidatePrediction = {
  topCategoryId: number;
  confidence: number;
  margin: number;
  entropy: number;
  embedding: Float32Array | null;
};

export type ReviewCandidate = { id: number; prediction: CandidatePrediction };
export type ColdStartCandidate = { id: number; input: { title: string; description: string | null } };

/** The number the strategy ranks by, shown to the annotator as "why this item". */
export function strategyScore(
  strategy: Strategy,
  p: Pick<CandidatePrediction, "confidence" | "margin" | "entropy">,
): number | null {
  if (strategy === "margin") return p.margin;
  if (strategy === "least_confidence") return p.confidence;
  if (strategy === "entropy") return p.entropy;
  return null;
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

/** Ids to review, best first (ml's selectForReview; with diversity, k-means over the window's embeddings). */
export async function pickForReview(p: {
  candidates: ReviewCandidate[];
  strategy: Strategy;
  n: number;
  diversity: boolean;
  seed: number;
  /** How many candidates per slot the window holds, so ml clusters all of them. */
  windowFactor: number;
}): Promise<number[]> {
  // Clustering runs on tfjs; initBackend is idempotent and cheap once done.
  if (p.diversity) await initBackend();
  const candidates = p.candidates.map((c) => ({ id: c.id, prediction: toPrediction(c.prediction) }));
  const picks = selectForReview({
    candidates,
    strategy: p.strategy,
    n: p.n,
    diversity: p.diversity,
    seed: p.seed,
    candidateFactor: p.windowFactor,
  });
  return picks.map((x) => Number(x.id));
}

/** ml clusters by embedding, or by top category when embeddings are missing. */
function toPrediction(c: CandidatePrediction): Prediction {
  const prediction: Prediction = {
    top: [{ classIndex: c.topCategoryId, prob: c.confidence }],
    confidence: c.confidence,
    margin: c.margin,
    entropy: c.entropy,
  };
  if (c.embedding) prediction.embedding = c.embedding;
  return prediction;
}

/** Ids for a project with no model yet: ml's representative sample (k-means over hashed n-grams). */
export async function pickColdStart(p: { items: ColdStartCandidate[]; n: number; seed: number }): Promise<number[]> {
  if (p.items.length <= p.n) return p.items.map((x) => x.id);
  await initBackend();
  // ml's k-means fails for k = 1 (tf.oneHot needs depth >= 2): sample two, keep the first.
  const k = Math.max(2, p.n);
  return coldStartSample({ items: p.items, n: k, seed: p.seed })
    .slice(0, p.n)
    .map((x) => Number(x.id));
}
