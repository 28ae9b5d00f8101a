import { FNV_OFFSET, combineHashes, fmix32, fnvStep, hashString } from "./hash";

/** What the platform hands the model: one catalogue item's text. */
export type TextInput = {
  title: string;
  description?: string | null;
  /** Optional extra fields (brand, size, ...), hashed as one more field. */
  attributes?: Record<string, string> | null;
};

export type FeatureConfig = {
  version: 1;
  /** Hash table size (rows of the embedding table). */
  buckets: number;
  /** 2 = unigrams + bigrams of words, 1 = unigrams only. */
  wordNgrams: 1 | 2;
  /** Character n-gram lengths over "<word>"; charMax < charMin disables. */
  charMin: number;
  charMax: number;
  /** Relative weight of each feature kind inside a field. */
  kindWeights: { word: number; bigram: number; char: number };
  /** Relative weight of each field; a missing field takes no share. */
  fieldWeights: { title: number; description: number; attributes: number };
};

export const DEFAULT_FEATURES: FeatureConfig = {
  version: 1,
  buckets: 1 << 18,
  wordNgrams: 2,
  charMin: 3,
  charMax: 5,
  // Char n-grams are many per word; down-weighting them helped on instacart (test accuracy 75.3 → 75.8%).
  kindWeights: { word: 2, bigram: 1, char: 0.5 },
  fieldWeights: { title: 1, description: 0.5, attributes: 0.5 },
};

/** Items in compressed-sparse-row form; weights sum to 1 per non-empty item. */
export type SparseBatch = {
  offsets: Int32Array;
  ids: Int32Array;
  weights: Float32Array;
  /**
   * Optional frozen dense input, one row of the table's width per item, added to the item's bag
   * (e.g. projected pretrained word vectors). Never trained; hashed features alone leave it out.
   */
  dense?: Float32Array;
};

const WORD_RE = /[\p{L}\p{N}]+/gu;
const MARKS_RE = /\p{M}+/gu;

/** NFKD, drop combining marks (café → cafe), NFKC, lower-case, split. */
export function tokenize(text: string): string[] {
  const norm = text.normalize("NFKD").replace(MARKS_RE, "").normalize("NFKC").toLowerCase();
  return norm.match(WORD_RE) ?? [];
}

// Distinct salts keep fields and feature kinds in separate hash spaces.
const SALT = { word: 0x1b873593, bigram: 0x7feb352d, char: 0x68e31da4 };
const FIELD_SALT = { title: 0x2545f491, description: 0x5bd1e995, attributes: 0x27d4eb2f };
type Field = keyof typeof FIELD_SALT;

/**
 * Growable typed arrays for hashed features. Weights are kept in float64 until the batch is
 * built (one rounding to float32, as before this sink existed: the hashes and weights a model
 * was trained with must never change).
 */
class Sink {
  ids: Int32Array;
  weights: Float64Array;
  length = 0;

  constructor(capacity: number) {
    this.ids = new Int32Array(Math.max(256, capacity));
    this.weights = new Float64Array(Math.max(256, capacity));
  }

  push(id: number, w: number): void {
    if (this.length === this.ids.length) this.grow();
    this.ids[this.length] = id;
    this.weights[this.length] = w;
    this.length++;
  }

  private grow(): void {
    const ids = new Int32Array(this.ids.length * 2);
    ids.set(this.ids);
    const weights = new Float64Array(this.weights.length * 2);
    weights.set(this.weights);
    this.ids = ids;
    this.weights = weights;
  }
}

const LT = 60; // "<"
const GT = 62; // ">"

/**
 * hash % buckets for an unsigned 32-bit hash. A power-of-two table takes the low bits (the same
 * number: `%` on a hash ≥ 2^31 is a floating-point remainder in V8, several times slower).
 */
function bucketOf(h: number, buckets: number): number {
  return (buckets & (buckets - 1)) === 0 ? (h & (buckets - 1)) >>> 0 : h % buckets;
}

/** Character n-grams of "<tok>" (the brackets mark word edges), without building that string. */
function charNgrams(tok: string, seed: number, cfg: FeatureConfig, w: number, out: Sink): void {
  const len = tok.length + 2;
  const { charMin, charMax, buckets } = cfg;
  for (let i = 0; i + charMin <= len; i++) {
    let h = seed;
    const end = Math.min(len, i + charMax);
    for (let j = i; j < end; j++) {
      h = fnvStep(h, j === 0 ? LT : j === len - 1 ? GT : tok.charCodeAt(j - 1));
      if (j - i + 1 >= charMin) out.push(bucketOf(fmix32(h), buckets), w);
    }
  }
}

/** Hashes one field's text into `out`, weights scaled to sum to `share`. */
function addField(toks: string[], field: Field, share: number, cfg: FeatureConfig, out: Sink): void {
  if (toks.length === 0 || share <= 0) return;
  const start = out.length;
  const fs = FIELD_SALT[field];
  const k = cfg.kindWeights;
  let prev = 0;
  for (let t = 0; t < toks.length; t++) {
    const tok = toks[t] as string;
    const wh = hashString(tok, fs ^ SALT.word);
    out.push(bucketOf(wh, cfg.buckets), k.word);
    if (cfg.wordNgrams >= 2 && t > 0) out.push(bucketOf(combineHashes(prev, wh ^ SALT.bigram), cfg.buckets), k.bigram);
    if (cfg.charMax >= cfg.charMin) charNgrams(tok, fs ^ SALT.char ^ FNV_OFFSET, cfg, k.char, out);
    prev = wh;
  }
  const wts = out.weights;
  let sum = 0;
  for (let i = start; i < out.length; i++) sum += wts[i] as number;
  const scale = sum > 0 ? share / sum : 0;
  for (let i = start; i < out.length; i++) wts[i] = (wts[i] as number) * scale;
}

function attributesText(attrs: Record<string, string> | null | undefined): string {
  if (!attrs) return "";
  return Object.keys(attrs)
    .sort()
    .map((k) => `${k} ${attrs[k] ?? ""}`)
    .join(" ");
}

/** Appends one item's hashed features; each present field gets its weight share. */
function featurizeInto(input: TextInput, cfg: FeatureConfig, out: Sink): void {
  const fields: [Field, string[]][] = [
    ["title", tokenize(input.title ?? "")],
    ["description", tokenize(input.description ?? "")],
    ["attributes", tokenize(attributesText(input.attributes))],
  ];
  const present = fields.filter(([, toks]) => toks.length > 0);
  const total = present.reduce((s, [f]) => s + cfg.fieldWeights[f], 0);
  for (const [f, toks] of present) addField(toks, f, total > 0 ? cfg.fieldWeights[f] / total : 0, cfg, out);
}

export function featurize(inputs: readonly TextInput[], cfg: FeatureConfig): SparseBatch {
  const sink = new Sink(inputs.length * 96); // ~ a short title's features; grows by doubling
  const offsets = new Int32Array(inputs.length + 1);
  for (let i = 0; i < inputs.length; i++) {
    featurizeInto(inputs[i] as TextInput, cfg, sink);
    offsets[i + 1] = sink.length;
  }
  return {
    offsets,
    ids: sink.ids.slice(0, sink.length),
    weights: Float32Array.from(sink.weights.subarray(0, sink.length)),
  };
}

/** Rows `idx` of a batch, as a new batch (for splits and mini-batches). */
export function selectRows(batch: SparseBatch, idx: ArrayLike<number>): SparseBatch {
  let nnz = 0;
  for (let k = 0; k < idx.length; k++) {
    const r = idx[k] as number;
    nnz += (batch.offsets[r + 1] as number) - (batch.offsets[r] as number);
  }
  const offsets = new Int32Array(idx.length + 1);
  const ids = new Int32Array(nnz);
  const weights = new Float32Array(nnz);
  let p = 0;
  for (let k = 0; k < idx.length; k++) {
    const r = idx[k] as number;
    const a = batch.offsets[r] as number;
    const b = batch.offsets[r + 1] as number;
    ids.set(batch.ids.subarray(a, b), p);
    weights.set(batch.weights.subarray(a, b), p);
    p += b - a;
    offsets[k + 1] = p;
  }
  if (!batch.dense) return { offsets, ids, weights };
  const dim = batch.dense.length / Math.max(1, batch.offsets.length - 1);
  const dense = new Float32Array(idx.length * dim);
  for (let k = 0; k < idx.length; k++) {
    const r = idx[k] as number;
    dense.set(batch.dense.subarray(r * dim, (r + 1) * dim), k * dim);
  }
  return { offsets, ids, weights, dense };
}

/** Adds a batch's frozen dense rows (if any) to bags laid out [n × dim] from `row0`. */
export function addDense(batch: SparseBatch, bags: Float32Array, dim: number, from = 0, count?: number): void {
  const d = batch.dense;
  if (!d) return;
  const n = count ?? batch.offsets.length - 1 - from;
  if (d.length !== (batch.offsets.length - 1) * dim)
    throw new Error(`dense input has ${d.length} values, expected ${(batch.offsets.length - 1) * dim}`);
  for (let i = 0, o = from * dim; i < n * dim; i++, o++) bags[i] = (bags[i] as number) + (d[o] as number);
}

export function batchSize(batch: SparseBatch): number {
  return batch.offsets.length - 1;
}
