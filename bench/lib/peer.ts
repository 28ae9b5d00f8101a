import natural from "natural";

/**
 * The npm peer: natural's naive Bayes. natural's addDocument/train path turns
 * every document into a dense vector over the whole vocabulary (O(docs × vocab):
 * minutes at 38k titles), so we feed its naive-Bayes engine (apparatus, which
 * natural wraps) the sparse form it also accepts: { i: stemmed token }.
 * Tokens: natural's PorterStemmer.tokenizeAndStem over title + description.
 */
export type PeerResult = { name: string; trainSeconds: number; predictSeconds: number; predicted: number[] };

type Obs = Record<string, string>;
type Engine = {
  addExample(o: Obs, label: string): void;
  train(): void;
  getClassifications(o: Obs): { label: string; value: number }[];
};

function toObs(text: string): Obs {
  const toks = [...new Set(natural.PorterStemmer.tokenizeAndStem(text, true))];
  return Object.fromEntries(toks.map((t, i) => [String(i), t]));
}

export function runNaturalBayes(train: { texts: string[]; labels: number[] }, test: { texts: string[] }): PeerResult {
  const clf = new natural.BayesClassifier();
  const engine = clf.classifier as unknown as Engine;
  const t0 = performance.now();
  train.texts.forEach((t, i) => engine.addExample(toObs(t), String(train.labels[i])));
  engine.train();
  const t1 = performance.now();
  const predicted = test.texts.map((t) => {
    const obs = toObs(t);
    const best = engine.getClassifications(obs)[0];
    return best ? Number(best.label) : -1;
  });
  const t2 = performance.now();
  return {
    name: "natural BayesClassifier (naive Bayes)",
    trainSeconds: (t1 - t0) / 1000,
    predictSeconds: (t2 - t1) / 1000,
    predicted,
  };
}
