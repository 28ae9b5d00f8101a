import * as tf from "@tensorflow/tfjs";
import type { Rng } from "./rng";

/** k-means++ seeding on rows of X (n × d), in JS: O(n·k·d) but only runs on a few hundred candidates. */
function seedCentres(x: Float32Array, n: number, d: number, k: number, rng: Rng): Float32Array {
  const centres = new Float32Array(k * d);
  const dist = new Float64Array(n).fill(Infinity);
  let pick = Math.floor(rng() * n);
  for (let c = 0; c < k; c++) {
    centres.set(x.subarray(pick * d, pick * d + d), c * d);
    let total = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += ((x[i * d + j] as number) - (centres[c * d + j] as number)) ** 2;
      if (s < (dist[i] as number)) dist[i] = s;
      total += dist[i] as number;
    }
    if (total <= 0) break; // fewer distinct points than k: stop adding centres
    let r = rng() * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      r -= dist[i] as number;
      if (r <= 0) {
        pick = i;
        break;
      }
    }
  }
  return centres;
}

/**
 * Below this many multiply-adds per iteration (n·k·d) the steps run in plain
 * TS: the review queue clusters ~50 candidates per call, where tfjs's per-op
 * overhead (~8 ms for 50×64, k=10) is 20× the arithmetic.
 */
export const PLAIN_KMEANS_MAX_WORK = 1 << 20;

/**
 * Lloyd's k-means with k-means++ seeding. Large inputs run the
 * assignment/update steps in tfjs (distances by matMul, centre sums by
 * one-hot matMul: no segment ops, so it works on wasm); small ones in plain
 * TS, same algorithm. Returns a cluster index per row.
 */
export function kmeans(
  x: Float32Array,
  n: number,
  d: number,
  k: number,
  rng: Rng,
  iterations = 10,
  plainMaxWork = PLAIN_KMEANS_MAX_WORK,
): Int32Array {
  if (n === 0) return new Int32Array(0);
  const kk = Math.max(1, Math.min(k, n));
  const seeded = seedCentres(x, n, d, kk, rng);
  if (n * kk * d <= plainMaxWork) return lloydPlain(x, n, d, kk, seeded, iterations);
  let centres = tf.tensor2d(seeded, [kk, d]);
  const X = tf.tensor2d(x, [n, d]);
  const xx = tf.sum(tf.square(X), 1, true);
  let assign: tf.Tensor1D = tf.zeros([n], "int32");
  for (let it = 0; it < iterations; it++) {
    const [nextAssign, nextCentres] = tf.tidy(() => {
      const dist = tf.add(
        tf.sub(xx, tf.mul(2, tf.matMul(X, centres, false, true))),
        tf.sum(tf.square(centres), 1).reshape([1, kk]),
      );
      const a = tf.argMin(dist, 1) as tf.Tensor1D;
      const onehot = tf.oneHot(a, kk).toFloat();
      const counts = tf.sum(onehot, 0).reshape([kk, 1]);
      const sums = tf.matMul(onehot, X, true, false);
      // Empty clusters keep their old centre.
      const c = tf.where(tf.greater(counts, 0).tile([1, d]), tf.div(sums, tf.maximum(counts, 1)), centres);
      return [a, c as tf.Tensor2D];
    });
    assign.dispose();
    centres.dispose();
    assign = nextAssign;
    centres = nextCentres;
  }
  const out = Int32Array.from(assign.dataSync());
  tf.dispose([assign, centres, X, xx]);
  return out;
}

/** The tfjs steps above in plain TS: nearest centre (first on ties, like argMin), then means; empty clusters keep their centre. */
function lloydPlain(
  x: Float32Array,
  n: number,
  d: number,
  k: number,
  seeded: Float32Array,
  iterations: number,
): Int32Array {
  const centres = Float64Array.from(seeded);
  const assign = new Int32Array(n);
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  for (let it = 0; it < iterations; it++) {
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestDist = Infinity;
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += ((x[i * d + j] as number) - (centres[c * d + j] as number)) ** 2;
        if (s < bestDist) {
          bestDist = s;
          best = c;
        }
      }
      assign[i] = best;
      counts[best]!++;
      for (let j = 0; j < d; j++) sums[best * d + j]! += x[i * d + j] as number;
    }
    for (let c = 0; c < k; c++) {
      const m = counts[c] as number;
      if (m > 0) for (let j = 0; j < d; j++) centres[c * d + j] = (sums[c * d + j] as number) / m;
    }
  }
  return assign;
}
