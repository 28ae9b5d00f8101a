import * as tf from "@tensorflow/tfjs";
import { type EmbeddingTable } from "./embedding-table";
import { type SparseBatch, selectRows } from "./features";
import { type Head, type WeightBlob, headTrainStep } from "./head";
import { timeSlicer } from "./time-slice";

/** What the epoch loop (train.ts) asks of an implementation of the training step. */
export interface TrainEngine {
  readonly name: string;
  readonly threads: number;
  /** One pass over the training items in this order (positions 0..n−1); mean batch loss. */
  runEpoch(order: Int32Array): Promise<number>;
  validate(): { accuracy: number; loss: number } | null;
  snapshot(): EngineSnapshot;
  restore(s: EngineSnapshot): void;
  /** The trained table and tfjs head (the engine's working memory can be dropped after). */
  finish(): { table: EmbeddingTable; head: Head };
  dispose(): void;
}

export type EngineSnapshot = { table: Float32Array; head: WeightBlob[] };

export type EngineInput = {
  table: EmbeddingTable;
  head: Head;
  trainFeats: SparseBatch;
  trainLabels: Int32Array;
  weights: Float32Array;
  valFeats: SparseBatch | null;
  valLabels: Int32Array;
  batchSize: number;
  lr: number;
  headLr: number;
  /** Row-wise Adagrad on the table (one squared-gradient sum per row) instead of per weight. */
  rowwiseAdagrad: boolean;
};

export function headSnapshot(head: Head): WeightBlob[] {
  return head.vars.map((v) => ({ name: v.name, shape: v.shape.slice(), data: v.dataSync().slice() as Float32Array }));
}

/**
 * The reference implementation: bag and sparse Adagrad in typed-array loops, the dense head
 * forward, backward and Adam in tfjs (tf.valueAndGrads). Any backend, any head shape.
 */
export class ReferenceEngine implements TrainEngine {
  readonly name = "tfjs";
  readonly threads = 1;
  private readonly opt: tf.Optimizer;

  constructor(private readonly a: EngineInput) {
    this.opt = tf.train.adam(a.headLr);
  }

  async runEpoch(order: Int32Array): Promise<number> {
    const { a } = this;
    const n = order.length;
    const slice = timeSlicer();
    let lossSum = 0;
    let batches = 0;
    for (let s = 0; s < n; s += a.batchSize) {
      await slice();
      const idx = order.subarray(s, Math.min(n, s + a.batchSize));
      const part = selectRows(a.trainFeats, idx);
      const bag = a.table.bag(part);
      const y = Int32Array.from(idx, (i) => a.trainLabels[i] as number);
      const w = Float32Array.from(idx, (i) => a.weights[i] as number);
      const { loss, gradBag } = headTrainStep(a.head, this.opt, bag, y, w);
      if (a.rowwiseAdagrad) a.table.adagradStepRowwise(part, gradBag, a.lr);
      else a.table.adagradStep(part, gradBag, a.lr);
      lossSum += loss;
      batches++;
    }
    return lossSum / Math.max(1, batches);
  }

  validate(): { accuracy: number; loss: number } | null {
    const { table, head, valFeats, valLabels } = this.a;
    if (!valFeats) return null;
    const n = valLabels.length;
    const bag = table.bag(valFeats);
    const [pred, nll] = tf.tidy(() => {
      const logits = head.logits(tf.tensor2d(bag, [n, head.shape.dim]));
      const y = tf.oneHot(tf.tensor1d(valLabels, "int32"), head.shape.numClasses);
      return [tf.argMax(logits, 1), tf.losses.softmaxCrossEntropy(y, logits)];
    });
    const p = pred.dataSync();
    const loss = nll.dataSync()[0] as number;
    tf.dispose([pred, nll]);
    let correct = 0;
    for (let i = 0; i < n; i++) if (p[i] === valLabels[i]) correct++;
    return { accuracy: correct / n, loss };
  }

  snapshot(): EngineSnapshot {
    return { table: this.a.table.data.slice(), head: headSnapshot(this.a.head) };
  }

  restore(s: EngineSnapshot): void {
    this.a.table.data.set(s.table);
    this.a.head.assignFrom(s.head);
  }

  finish(): { table: EmbeddingTable; head: Head } {
    this.a.table.releaseOptimizerState();
    return { table: this.a.table, head: this.a.head };
  }

  dispose(): void {
    this.opt.dispose();
  }
}
