import * as tf from "@tensorflow/tfjs";
import { type Rng, gaussian } from "./rng";

/** A named float32 array with its shape: how weights leave and enter tfjs. */
export type WeightBlob = { name: string; shape: number[]; data: Float32Array };

export type HeadShape = { dim: number; hidden: number; numClasses: number };

function glorot(rows: number, cols: number, rng: Rng): Float32Array {
  const std = Math.sqrt(2 / (rows + cols));
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = gaussian(rng) * std;
  return out;
}

/**
 * The dense part of the classifier in tfjs: optional ReLU hidden layer,
 * then logits over the categories. Input is the embedding bag [n × dim].
 */
export class Head {
  readonly shape: HeadShape;
  readonly vars: tf.Variable[];

  private constructor(shape: HeadShape, blobs: WeightBlob[]) {
    this.shape = shape;
    this.vars = blobs.map((b) => tf.variable(tf.tensor(b.data, b.shape, "float32"), true));
  }

  static init(shape: HeadShape, rng: Rng): Head {
    const { dim, hidden, numClasses } = shape;
    const inner = hidden > 0 ? hidden : dim;
    const blobs: WeightBlob[] = [];
    if (hidden > 0) {
      blobs.push({ name: "w1", shape: [dim, hidden], data: glorot(dim, hidden, rng) });
      // Positive bias: the table starts at zero, and ReLU(0) would pass no gradient back.
      blobs.push({ name: "b1", shape: [hidden], data: new Float32Array(hidden).fill(0.1) });
    }
    blobs.push({ name: "w2", shape: [inner, numClasses], data: glorot(inner, numClasses, rng) });
    blobs.push({ name: "b2", shape: [numClasses], data: new Float32Array(numClasses) });
    return new Head(shape, blobs);
  }

  static fromWeights(shape: HeadShape, blobs: WeightBlob[]): Head {
    const expected = shape.hidden > 0 ? 4 : 2;
    if (blobs.length !== expected) throw new Error(`head expects ${expected} weight arrays, got ${blobs.length}`);
    return new Head(shape, blobs);
  }

  /** Logits for a bag tensor; call inside tf.tidy. `vs` lets gradients flow to passed copies. */
  logits(x: tf.Tensor2D, vs: tf.Tensor[] = this.vars): tf.Tensor2D {
    let h: tf.Tensor2D = x;
    let k = 0;
    if (this.shape.hidden > 0) {
      h = tf.relu(tf.add(tf.matMul(h, vs[k++] as tf.Tensor2D), vs[k++] as tf.Tensor1D)) as tf.Tensor2D;
    }
    return tf.add(tf.matMul(h, vs[k++] as tf.Tensor2D), vs[k] as tf.Tensor1D);
  }

  async getWeights(): Promise<WeightBlob[]> {
    const names = this.shape.hidden > 0 ? ["w1", "b1", "w2", "b2"] : ["w2", "b2"];
    return Promise.all(
      this.vars.map(async (v, i) => ({
        name: names[i] as string,
        shape: v.shape.slice(),
        data: (await v.data()) as Float32Array,
      })),
    );
  }

  /** Copies weights from another head of the same shape (warm start, best-epoch restore). */
  assignFrom(blobs: WeightBlob[]): void {
    blobs.forEach((b, i) => {
      const v = this.vars[i];
      if (!v) throw new Error("head weight count mismatch");
      tf.tidy(() => v.assign(tf.tensor(b.data, b.shape, "float32")));
    });
  }

  dispose(): void {
    for (const v of this.vars) v.dispose();
  }
}

export type StepResult = { loss: number; gradBag: Float32Array };

/**
 * One optimiser step on the head; returns dLoss/dBag so the caller can
 * update the embedding rows sparsely. Loss is class-weighted softmax CE.
 */
export function headTrainStep(
  head: Head,
  opt: tf.Optimizer,
  bag: Float32Array,
  labels: Int32Array,
  sampleWeights: Float32Array,
): StepResult {
  const n = labels.length;
  const { dim, numClasses } = head.shape;
  const [lossT, gradT] = tf.tidy(() => {
    const x = tf.tensor2d(bag, [n, dim]);
    const y = tf.oneHot(tf.tensor1d(labels, "int32"), numClasses);
    const w = tf.tensor1d(sampleWeights);
    const f = (...args: tf.Tensor[]): tf.Scalar => {
      const [xx, ...vs] = args;
      const logits = head.logits(xx as tf.Tensor2D, vs);
      return tf.losses.softmaxCrossEntropy(y, logits, w) as tf.Scalar;
    };
    const { value, grads } = tf.valueAndGrads(f)([x, ...head.vars]);
    const named: tf.NamedTensorMap = {};
    head.vars.forEach((v, i) => (named[v.name] = grads[i + 1] as tf.Tensor));
    opt.applyGradients(named);
    return [value, grads[0] as tf.Tensor];
  });
  const loss = lossT.dataSync()[0] as number;
  const gradBag = gradT.dataSync() as Float32Array;
  lossT.dispose();
  gradT.dispose();
  return { loss, gradBag };
}
