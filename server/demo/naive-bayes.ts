/**
 * Tiny multinomial naive Bayes over word unigrams + bigrams: a stand-in for the fastText
 * classifier, used by tests to check the demo is learnable but not trivially so.
 */
export function tokens(text: string): string[] {
  const words = text.toLowerCase().match(/[a-z0-9][a-z0-9.+-]*/g) ?? [];
  const grams = [...words];
  for (let i = 1; i < words.length; i++) grams.push(`${words[i - 1]}_${words[i]}`);
  return grams;
}

export class NaiveBayes {
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly totals = new Map<string, number>();
  private readonly docs = new Map<string, number>();
  private readonly vocab = new Set<string>();
  private n = 0;

  train(text: string, label: string): void {
    const c = this.counts.get(label) ?? new Map<string, number>();
    this.counts.set(label, c);
    for (const t of tokens(text)) {
      c.set(t, (c.get(t) ?? 0) + 1);
      this.totals.set(label, (this.totals.get(label) ?? 0) + 1);
      this.vocab.add(t);
    }
    this.docs.set(label, (this.docs.get(label) ?? 0) + 1);
    this.n += 1;
  }

  predict(text: string): string {
    const toks = tokens(text);
    let best = "";
    let bestScore = -Infinity;
    for (const [label, c] of this.counts) {
      const denom = (this.totals.get(label) ?? 0) + this.vocab.size;
      let score = Math.log((this.docs.get(label) ?? 0) / this.n);
      for (const t of toks) score += Math.log(((c.get(t) ?? 0) + 1) / denom);
      if (score > bestScore) [best, bestScore] = [label, score];
    }
    return best;
  }
}
