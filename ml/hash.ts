/**
 * FNV-1a over UTF-16 code units, finished with murmur3's fmix32 so that
 * `% buckets` spreads well even for power-of-two table sizes. Stable across
 * platforms and versions: serialized models depend on it never changing.
 */
export const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function fnvStep(h: number, code: number): number {
  return Math.imul(h ^ code, FNV_PRIME);
}

export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hashString(s: string, seed: number = FNV_OFFSET): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) h = fnvStep(h, s.charCodeAt(i));
  return fmix32(h);
}

/** Order-sensitive combination of two hashes (for word bigrams). */
export function combineHashes(a: number, b: number): number {
  return fmix32(Math.imul(a, 0x9e3779b1) ^ b);
}
