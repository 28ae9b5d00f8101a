/**
 * Heavy model work off the caller's thread. In the demo the web server, its jobs and the
 * embedded database share one JavaScript thread: a training run, a cross-fit or a batch of
 * predictions computed there makes every page wait. Here models live in one compute
 * thread; callers hold handles (RemoteModel) and every op is a message. When no thread
 * can be started (a bundled copy of this module, or `inline` asked for), the same ops run
 * on the caller's thread, so both ways are one code.
 */
import type { Worker } from "node:worker_threads";
import {
  computeOps,
  type OpContext,
  type OpInput,
  type OpName,
  type OpOutput,
  type TrainSettings,
  type TrainedRef,
} from "./compute-ops";
import type { ToParent, ToWorker } from "./compute-protocol";
import type { TextInput } from "./features";
import type { CrossFitLabelErrorOptions, LabelErrorRun } from "./label-errors-cross-fit";
import type { PredictOptions, TrainingFigures } from "./model";
import { ModelStore, type ModelBytes } from "./model-store";
import { unpackPredictions } from "./packed-predictions";
import type { Calibration, Prediction } from "./prediction";
import type { CalibrationFitting, ModelScorer } from "./scorer";
import type { SerializedModel } from "./serialize";
import { siblingWorker } from "./spawn-worker";
import type { Thresholds } from "./thresholds";
import type { TrainData, TrainProgress } from "./train";

/** A stored model version: its key (unique per database, version and sha256) and where its bytes are. */
export type ModelSource = { key: string; sha256: string; numClasses: number; bytes: () => Promise<Uint8Array> };

export type CallOptions = { signal?: AbortSignal; onProgress?: (p: TrainProgress) => void };

interface Executor {
  readonly kind: "thread" | "inline";
  call<N extends OpName>(op: N, payload: OpInput<N>, o?: CallOptions): Promise<OpOutput<N>>;
  close(): Promise<void>;
}

type RunOp = (p: unknown, ctx: OpContext) => Promise<{ value: unknown }>;

class InlineExecutor implements Executor {
  readonly kind = "inline";
  private readonly store: ModelStore;
  constructor(fetch: (key: string) => Promise<ModelBytes>) {
    this.store = new ModelStore(fetch);
  }
  async call<N extends OpName>(op: N, payload: OpInput<N>, o: CallOptions = {}): Promise<OpOutput<N>> {
    const ctx = { store: this.store, signal: o.signal ?? new AbortController().signal, onProgress: noProgress(o) };
    const out = await (computeOps[op] as RunOp)(payload, ctx);
    return out.value as OpOutput<N>;
  }
  async close() {
    this.store.clearStored();
  }
}

const noProgress = (o: CallOptions) => o.onProgress ?? (() => {});

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; o: CallOptions };

class ThreadExecutor implements Executor {
  readonly kind = "thread";
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    private readonly fetch: (key: string) => Promise<ModelBytes>,
    private readonly spawn: () => Worker,
  ) {}

  async call<N extends OpName>(op: N, payload: OpInput<N>, o: CallOptions = {}): Promise<OpOutput<N>> {
    o.signal?.throwIfAborted();
    const worker = await this.start();
    const id = this.nextId++;
    const result = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject, o }));
    // A worker waited on keeps the process alive; an idle one must not (CLIs and tests exit).
    worker.ref();
    const onAbort = () => this.post({ type: "abort", id, reason: String(o.signal?.reason ?? "aborted") });
    o.signal?.addEventListener("abort", onAbort, { once: true });
    this.post({ type: "call", id, op, payload });
    try {
      return (await result) as OpOutput<N>;
    } catch (e) {
      // The op stops at its next check; the caller sees the reason it aborted with.
      throw o.signal?.aborted ? o.signal.reason : e;
    } finally {
      o.signal?.removeEventListener("abort", onAbort);
      if (this.pending.size === 0) this.worker?.unref();
    }
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.ready = null;
    if (w) await w.terminate();
  }

  private post(m: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker?.postMessage(m, transfer);
  }

  private start(): Promise<Worker> {
    if (this.worker && this.ready) {
      const w = this.worker;
      return this.ready.then(() => w);
    }
    const worker = this.spawn();
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on("message", (m: ToParent) => {
        if (m.type === "ready") resolve();
        else if (m.type === "fatal") reject(new Error(`compute thread failed to start: ${m.message}`));
        else this.onMessage(m);
      });
      worker.once("error", (e) => this.stopped(worker, e, reject));
      worker.once("exit", (code) => this.stopped(worker, new Error(`compute thread exited (code ${code})`), reject));
    });
    return this.ready.then(() => worker);
  }

  private onMessage(m: ToParent): void {
    if (m.type === "need") {
      this.fetch(m.key).then(
        (b) => this.post({ type: "model", key: m.key, bytes: b.bytes, sha256: b.sha256 }),
        (e: unknown) =>
          this.post({ type: "modelError", key: m.key, message: e instanceof Error ? e.message : String(e) }),
      );
      return;
    }
    if (m.type !== "progress" && m.type !== "result" && m.type !== "error") return;
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === "progress") return p.o.onProgress?.(m.progress as TrainProgress);
    this.pending.delete(m.id);
    if (m.type === "result") p.resolve(m.value);
    else p.reject(Object.assign(new Error(m.message), { name: m.name }));
  }

  /** The thread died (a crash, out of memory, terminate): every call in flight fails, the next call starts a new one. */
  private stopped(worker: Worker, err: Error, reject: (e: Error) => void): void {
    reject(err);
    if (this.worker !== worker) return;
    this.worker = null;
    this.ready = null;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

/** A model held by the compute (a stored version, or one trained there). */
export class RemoteModel implements ModelScorer {
  constructor(
    protected readonly compute: Compute,
    readonly key: string,
    readonly numClasses: number,
  ) {}

  async predict(inputs: readonly TextInput[], calibration: Calibration, opts: PredictOptions = {}) {
    const packed = await this.compute.call("predict", { key: this.key, inputs, calibration, opts });
    return unpackPredictions(packed) as Prediction[];
  }

  logits(inputs: readonly TextInput[]): Promise<Float32Array> {
    return this.compute.call("logits", { key: this.key, inputs });
  }

  fitCalibration(inputs: readonly TextInput[], labels: readonly number[], how: CalibrationFitting) {
    return this.compute.call("fitCalibration", { key: this.key, inputs, labels, how });
  }
}

/** A model trained by the compute: kept there until released. */
export class TrainedRemoteModel extends RemoteModel {
  readonly training: TrainingFigures;
  readonly backend: string;
  readonly threadId: number;
  constructor(compute: Compute, ref: TrainedRef) {
    super(compute, ref.key, ref.numClasses);
    this.training = ref.training;
    this.backend = ref.backend;
    this.threadId = ref.threadId;
  }

  serialize(calibration: Calibration, thresholds: Thresholds | null): Promise<SerializedModel> {
    return this.compute.call("serialize", { key: this.key, calibration, thresholds });
  }

  release(): Promise<void> {
    return this.compute.call("release", { key: this.key }).then(() => undefined);
  }
}

const SOURCES_KEPT = 32;

export class Compute {
  private readonly executor: Executor;
  /** Where the bytes of recently used stored models are, for when the compute asks. */
  private readonly sources = new Map<string, ModelSource>();
  private readonly fetchErrors = new Map<string, unknown>();

  constructor(mode: "thread" | "inline" = "thread") {
    const fetch = (key: string) => this.fetchModel(key);
    // A bundled copy of this module has no worker source beside it: it computes inline.
    const spawn = mode === "thread" ? siblingWorker(import.meta.url, "compute-worker") : null;
    this.executor = spawn ? new ThreadExecutor(fetch, () => spawn()) : new InlineExecutor(fetch);
  }

  get kind(): "thread" | "inline" {
    return this.executor.kind;
  }

  call<N extends OpName>(op: N, payload: OpInput<N>, o?: CallOptions): Promise<OpOutput<N>> {
    return this.executor.call(op, payload, o);
  }

  /**
   * A handle on a stored version, loaded (bytes read and verified against the sha256) unless
   * the compute holds it already; a missing or tampered artifact fails here.
   */
  async model(src: ModelSource): Promise<RemoteModel> {
    this.sources.delete(src.key);
    this.sources.set(src.key, src);
    while (this.sources.size > SOURCES_KEPT) this.sources.delete(this.sources.keys().next().value as string);
    try {
      await this.call("load", { key: src.key });
    } catch (e) {
      // The source's own error (e.g. a typed "not found") rather than its message relayed by the thread.
      const original = this.fetchErrors.get(src.key);
      this.fetchErrors.delete(src.key);
      throw original ?? e;
    }
    return new RemoteModel(this, src.key, src.numClasses);
  }

  async train(
    data: TrainData,
    settings: Omit<TrainSettings, "warmStartKey"> & { warmStart?: RemoteModel },
    o: CallOptions = {},
  ): Promise<TrainedRemoteModel> {
    const { warmStart, ...rest } = settings;
    const ref = await this.call("train", { data, settings: { ...rest, warmStartKey: warmStart?.key } }, o);
    return new TrainedRemoteModel(this, ref);
  }

  labelErrors(
    data: TrainData,
    opts: Omit<CrossFitLabelErrorOptions, "signal" | "onProgress">,
    o: CallOptions = {},
  ): Promise<LabelErrorRun> {
    return this.call("labelErrors", { data, opts }, o);
  }

  /** Forgets every stored model, so the next use reads and verifies its bytes again. */
  async clearModels(): Promise<void> {
    await this.call("clearStored", {});
  }

  close(): Promise<void> {
    return this.executor.close();
  }

  private async fetchModel(key: string): Promise<ModelBytes> {
    const src = this.sources.get(key);
    if (!src) throw new Error(`compute: no source for model ${key}`);
    try {
      return { bytes: await src.bytes(), sha256: src.sha256 };
    } catch (e) {
      this.fetchErrors.set(key, e);
      throw e;
    }
  }
}
