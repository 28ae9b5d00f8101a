import type { Worker } from "node:worker_threads";
import { timeSlicer } from "../time-slice";
import { siblingWorker } from "../spawn-worker";

export const hogwildAvailable = (): boolean => siblingWorker(import.meta.url, "hogwild-worker") !== null;
import type { Arena } from "./arena";
import type { TrainLayout } from "./train-layout";
import type { StepRates, TrainStepper } from "./train-step";

export type HogwildInit = { mem: WebAssembly.Memory; layout: TrainLayout; rates: StepRates };
export type HogwildJob = { j0: number; j1: number };
export type HogwildReply = { ready?: true; lossSum?: number; batches?: number; error?: string };

/** Both threads count every thread's Adam steps (bias correction sees the shared moment estimates' age). */
export const HOGWILD_THREADS = 2;

/**
 * Hogwild training on two threads: this thread takes the first half of each epoch's order, a
 * worker the second half, both updating the table, the head and the optimiser state in one
 * shared memory without locks. Updates that collide are rare (the table is 2^18 rows) and
 * harmless to convergence; the result depends on timing, so it is not reproducible bit for bit.
 */
export class HogwildPool {
  private constructor(
    private readonly worker: Worker,
    private readonly L: TrainLayout,
    private readonly rates: StepRates,
  ) {}

  static async start(arena: Arena, layout: TrainLayout, rates: StepRates): Promise<HogwildPool> {
    if (!arena.shared) throw new Error("Hogwild needs a shared arena");
    const spawn = siblingWorker(import.meta.url, "hogwild-worker");
    if (!spawn) throw new Error("Hogwild: the worker's source is not on disk beside ml/wasm/hogwild");
    const worker = spawn({ mem: arena.mem, layout, rates } satisfies HogwildInit);
    await new Promise<void>((resolve, reject) => {
      worker.once("message", (m: HogwildReply) =>
        m.ready ? resolve() : reject(new Error(m.error ?? "worker failed")),
      );
      worker.once("error", reject);
    });
    return new HogwildPool(worker, layout, rates);
  }

  /** One epoch over the order already written to the arena; mean batch loss over both threads. */
  async epoch(main: TrainStepper): Promise<number> {
    const { L } = this;
    const B = L.batch;
    // Split on a batch boundary so both halves take whole batches.
    const half = Math.min(L.n, Math.ceil(L.n / 2 / B) * B);
    const other = new Promise<HogwildReply>((resolve, reject) => {
      this.worker.once("message", (m: HogwildReply) => (m.error ? reject(new Error(m.error)) : resolve(m)));
      this.worker.postMessage({ j0: half, j1: L.n } satisfies HogwildJob);
    });
    const slice = timeSlicer();
    let lossSum = 0;
    let batches = 0;
    for (let s = 0; s < half; s += B) {
      await slice();
      lossSum += main.step(s, Math.min(half, s + B), this.rates, HOGWILD_THREADS);
      batches++;
    }
    const r = await other;
    return (lossSum + (r.lossSum ?? 0)) / Math.max(1, batches + (r.batches ?? 0));
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
