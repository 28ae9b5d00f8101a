/**
 * The fastText command-line tool (built from the official source beside the project, never a
 * dependency) trained and tested on the same split as bench:ml. Text goes in as Loupe's own
 * tokens (ml/features tokenize: NFKD, accents dropped, lower-case, letter/digit runs), one field
 * after the other, so both models see the same words; fastText then builds the same kinds of
 * features itself (-wordNgrams 2 -minn 3 -maxn 5). The tokenising is done before fastText's clock
 * starts: its figures leave that work out, ours include it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { tokenize, type TextInput } from "../../ml/features";

export type FastTextSettings = {
  bin: string;
  dim: number;
  epochs: number;
  lr: number;
  buckets: number;
  threads: number;
  seed: number;
  /** The test split is scored this many times over for the predict timing (a longer, steadier clock). */
  predictRepeat: number;
};

export type FastTextRun = {
  settings: FastTextSettings;
  predicted: number[];
  trainSeconds: number;
  trainItemEpochsPerSec: number;
  /** Items per second of `fasttext predict`, its model-loading time taken out. */
  predictItemsPerSec: number;
  predictSeconds: number;
  loadSeconds: number;
};

type Split = { inputs: readonly TextInput[]; labels: readonly number[] };

function line(input: TextInput, label: number): string {
  const attrs = input.attributes ? Object.keys(input.attributes).sort() : [];
  const text = [input.title, input.description ?? "", ...attrs.map((k) => `${k} ${input.attributes?.[k] ?? ""}`)]
    .flatMap((t) => tokenize(t))
    .join(" ");
  return `__label__${label} ${text}`;
}

function run(bin: string, argv: string[]): { seconds: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(bin, argv, { encoding: "utf8", maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.error) throw new Error(`fastText at ${bin} could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`fastText ${argv[0]} exited with ${r.status}: ${r.stderr.slice(-500)}`);
  return { seconds, stdout: r.stdout };
}

/** Trains and tests fastText; every file lives in a temporary folder removed afterwards. */
export function runFastText(train: Split, test: Split, s: FastTextSettings): FastTextRun {
  const dir = mkdtempSync(path.join(tmpdir(), "loupe-fasttext-"));
  try {
    const file = (name: string, split: Split) => {
      const p = path.join(dir, name);
      writeFileSync(p, split.inputs.map((x, i) => line(x, split.labels[i] as number)).join("\n") + "\n");
      return p;
    };
    const trainFile = file("train.txt", train);
    const testFile = path.join(dir, "test.txt");
    const testText = test.inputs.map((x, i) => line(x, test.labels[i] as number)).join("\n") + "\n";
    writeFileSync(testFile, testText.repeat(Math.max(1, s.predictRepeat)));
    const oneFile = file("one.txt", { inputs: test.inputs.slice(0, 1), labels: test.labels.slice(0, 1) });
    const model = path.join(dir, "model");
    const fit = run(s.bin, [
      "supervised",
      ...["-input", trainFile, "-output", model, "-dim", String(s.dim), "-epoch", String(s.epochs)],
      ...["-lr", String(s.lr), "-wordNgrams", "2", "-minn", "3", "-maxn", "5", "-bucket", String(s.buckets)],
      ...["-thread", String(s.threads), "-seed", String(s.seed), "-verbose", "0"],
    ]);
    // Loading the model is timed alone on a one-line file and taken out of the predict time.
    const load = Math.min(...[0, 1, 2].map(() => run(s.bin, ["predict", `${model}.bin`, oneFile, "1"]).seconds));
    const pred = run(s.bin, ["predict", `${model}.bin`, testFile, "1"]);
    const scored = Math.max(1, s.predictRepeat) * test.labels.length;
    const lines = pred.stdout.split("\n").filter((l) => l.length > 0);
    if (lines.length !== scored) throw new Error(`fastText predicted ${lines.length} lines for ${scored} items`);
    const predicted = lines.slice(0, test.labels.length).map((l) => Number(l.replace("__label__", "")));
    const predictSeconds = Math.max(1e-6, pred.seconds - load);
    return {
      settings: s,
      predicted,
      trainSeconds: fit.seconds,
      trainItemEpochsPerSec: (train.labels.length * s.epochs) / fit.seconds,
      predictItemsPerSec: scored / predictSeconds,
      predictSeconds,
      loadSeconds: load,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
