/**
 * Cooperative time slicing. In the demo, training and scoring run on the web process's
 * main thread beside PGlite and every request: a loop that computes for seconds makes
 * every page wait that long. A loop that awaits its slicer once per step gives way to
 * pending I/O whenever a slice (default 20 ms) has passed, at the cost of one timer hop.
 */
const giveWay: () => Promise<void> =
  typeof setImmediate === "function"
    ? () => new Promise<void>((r) => setImmediate(r))
    : () => new Promise<void>((r) => setTimeout(r, 0));

export const SLICE_MS = 20;

export function timeSlicer(sliceMs = SLICE_MS): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < sliceMs) return;
    await giveWay();
    last = performance.now();
  };
}
