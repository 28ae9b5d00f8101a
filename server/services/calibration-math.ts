/**
 * Calibration and evaluation arithmetic on plain arrays.
 * Adapter: ml/ has no fitCalibration/evaluate yet; these stay framework-free so
 * they can move into ml/ unchanged.
 */
import type { Calibration } from "@/ml/prediction";

/** Mean negative log-likelihood of the true classes under softmax(logits / t). */
function nll(logits: Float32Array, labels: readonly number[], c: number, t: number): number {
  let sum = 0;
  for (let i = 0; i < labels.length; i++) {
    const o = i * c;
    let max = -Infinity;
    for (let k = 0; k < c; k++) max = Math.max(max, (logits[o + k] as number) / t);
    let z = 0;
    for (let k = 0; k < c; k++) z += Math.exp((logits[o + k] as number) / t - max);
    sum += max + Math.log(z) - (logits[o + (labels[i] as number)] as number) / t;
  }
  return sum / Math.max(1, labels.length);
}

/** Temperature scaling by golden-section search on log t (NLL is unimodal in t). */
export function fitTemperature(logits: Float32Array, labels: readonly number[], numClasses: number): Calibration {
  if (labels.length < 10) return { method: "none", temperature: 1 };
  let lo = Math.log(0.05);
  let hi = Math.log(20);
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 60; i++) {
    const a = hi - phi * (hi - lo);
    const b = lo + phi * (hi - lo);
    if (nll(logits, labels, numClasses, Math.exp(a)) < nll(logits, labels, numClasses, Math.exp(b))) hi = b;
    else lo = a;
  }
  return { method: "temperature", temperature: Math.exp((lo + hi) / 2) };
}

export type ReliabilityBin = { lo: number; hi: number; count: number; accuracy: number; confidence: number };

/** Expected calibration error over equal-width confidence bins, with the bins for a reliability diagram. */
export function calibrationError(confidence: readonly number[], correct: readonly boolean[], bins = 10): { ece: number; bins: ReliabilityBin[] } {
  const acc = Array.from({ length: bins }, (_, b) => ({ lo: b / bins, hi: (b + 1) / bins, count: 0, ok: 0, conf: 0 }));
  confidence.forEach((p, i) => {
    const b = acc[Math.min(bins - 1, Math.floor(p * bins))]!;
    b.count++;
    b.conf += p;
    if (correct[i]) b.ok++;
  });
  const n = Math.max(1, confidence.length);
  let ece = 0;
  const out = acc.map((b) => {
    const accuracy = b.count ? b.ok / b.count : 0;
    const conf = b.count ? b.conf / b.count : 0;
    ece += (b.count / n) * Math.abs(accuracy - conf);
    return { lo: b.lo, hi: b.hi, count: b.count, accuracy, confidence: conf };
  });
  return { ece, bins: out };
}

export type ClassStats = { classIndex: number; precision: number; recall: number; f1: number; support: number };
export type Confusion = { trueIndex: number; predictedIndex: number; count: number };

export function classificationStats(predicted: readonly number[], truth: readonly number[], numClasses: number) {
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  predicted.forEach((p, i) => m[truth[i]!]![p]!++);
  const perClass: ClassStats[] = m.map((row, c) => {
    const tp = row[c]!;
    const support = row.reduce((a, b) => a + b, 0);
    const predictedC = m.reduce((s, r) => s + r[c]!, 0);
    const precision = predictedC ? tp / predictedC : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { classIndex: c, precision, recall, f1, support };
  });
  const present = perClass.filter((s) => s.support > 0);
  const correct = predicted.filter((p, i) => p === truth[i]).length;
  const confusions: Confusion[] = [];
  m.forEach((row, t) => row.forEach((count, p) => t !== p && count > 0 && confusions.push({ trueIndex: t, predictedIndex: p, count })));
  confusions.sort((a, b) => b.count - a.count);
  return {
    accuracy: predicted.length ? correct / predicted.length : 0,
    macroF1: present.length ? present.reduce((s, x) => s + x.f1, 0) / present.length : 0,
    perClass,
    confusions: confusions.slice(0, 20),
  };
}

/** Share of items the thresholds would auto-accept, and how many of those are right. */
export function coverageAt(
  rows: { predicted: number; confidence: number; correct: boolean }[],
  perClass: readonly (number | null)[],
): { coverage: number; precision: number | null; accepted: number } {
  const accepted = rows.filter((r) => {
    const t = perClass[r.predicted];
    return t !== null && t !== undefined && r.confidence >= t;
  });
  return {
    coverage: rows.length ? accepted.length / rows.length : 0,
    precision: accepted.length ? accepted.filter((r) => r.correct).length / accepted.length : null,
    accepted: accepted.length,
  };
}

/** Two-sided Wilson score interval for k successes in n trials. */
export function wilsonInterval(k: number, n: number, z = 1.959964): { lower: number; upper: number } {
  if (n === 0) return { lower: 0, upper: 1 };
  const p = k / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const d = 1 + z2 / n;
  return { lower: Math.max(0, (centre - spread) / d), upper: Math.min(1, (centre + spread) / d) };
}
