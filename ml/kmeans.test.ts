import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "./backend";
import { kmeans, PLAIN_KMEANS_MAX_WORK } from "./kmeans";
import { createRng, gaussian } from "./rng";

beforeAll(() => initBackend());

/** n points around k well-separated centres in d dimensions; returns the points and each one's true blob. */
function blobs(n: number, k: number, d: number, seed: number) {
  const rng = createRng(seed);
  const truth = Int32Array.from({ length: n }, (_, i) => i % k);
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) x[i * d + j] = (j % k === truth[i] ? 10 : 0) + 0.1 * gaussian(rng);
  return { x, truth };
}

/** Same partition up to cluster numbering. */
function samePartition(a: Int32Array, b: Int32Array): boolean {
  const map = new Map<number, number>();
  return (
    a.every((v, i) => (map.get(v) ?? (map.set(v, b[i]!), b[i])) === b[i]) && new Set(map.values()).size === map.size
  );
}

describe("kmeans", () => {
  it("small inputs (the review queue's window) run in plain TS and find the blobs", () => {
    const { x, truth } = blobs(50, 5, 16, 1);
    expect(50 * 5 * 16).toBeLessThanOrEqual(PLAIN_KMEANS_MAX_WORK);
    expect(samePartition(kmeans(x, 50, 16, 5, createRng(3)), truth)).toBe(true);
  });

  it("the plain-TS and tfjs paths agree under the same seed", () => {
    const { x } = blobs(60, 4, 8, 2);
    const plain = kmeans(x, 60, 8, 4, createRng(7));
    const tfjs = kmeans(x, 60, 8, 4, createRng(7), 10, 0);
    expect(Array.from(plain)).toEqual(Array.from(tfjs));
  });

  it("is deterministic under a seed and handles n < k and n = 0", () => {
    const { x } = blobs(30, 3, 4, 3);
    expect(Array.from(kmeans(x, 30, 4, 3, createRng(5)))).toEqual(Array.from(kmeans(x, 30, 4, 3, createRng(5))));
    expect(kmeans(x, 2, 4, 5, createRng(1)).length).toBe(2);
    expect(kmeans(new Float32Array(0), 0, 4, 3, createRng(1)).length).toBe(0);
  });
});
