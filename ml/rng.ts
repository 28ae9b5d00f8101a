/**
 * The one seeded PRNG of the project (mulberry32): small, fast and identical on
 * every platform. The model, the demo catalogue and the benchmarks all draw from it.
 */
export type Rng = () => number;

/** The state after `state` (a 32-bit counter). */
export const mulberry32Next = (state: number): number => (state + 0x6d2b79f5) >>> 0;

/** The number in [0, 1) that a state yields. */
export function mulberry32Value(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = mulberry32Next(a);
    return mulberry32Value(a);
  };
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace<T>(arr: T[] | Int32Array, rng: Rng): void {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const tmp = arr[i] as T;
    arr[i] = arr[j] as T;
    arr[j] = tmp;
  }
}

/** Indices 0..n-1 in a seeded random order. */
export function permutation(n: number, rng: Rng): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  shuffleInPlace(idx, rng);
  return idx;
}

/** Standard normal via Box–Muller (for weight init). */
export function gaussian(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
