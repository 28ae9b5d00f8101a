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
 * Lloyd's k-means with k-means++ seeding; the assignment/update steps run in
 * tfjs (distances by matMul, centre sums by one-hot matMul: no segment ops,
 * so it works on wasm). Returns a cluster index per row.
 */
export function kmeans(x: Float32Array, n: number, d: number, k: number, rng: Rng, iterations = 10): Int32Array {
  if (n === 0) return new Int32Array(0);
  const kk = Math.max(1, Math.min(k, n));
  let centres = tf.tensor2d(seedCentres(x, n, d, kk, rng), [kk, d]);
  const X = tf.tensor2d(x, [n, d]);
  const xx = tf.sum(tf.square(X), 1, true);
  let assign: tf.Tensor1D = tf.zeros([n], "int32");
  for (let it = 0; it < iterations; it++) {
    const [nextAssign, nextCentres] = tf.tidy(() => {
      const dist = tf.add(tf.sub(xx, tf.mul(2, tf.matMul(X, centres, false, true))), tf.sum(tf.square(centres), 1).reshape([1, kk]));
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
