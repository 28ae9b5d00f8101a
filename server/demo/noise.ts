import type { Rng } from "./prng";

/** One keyboard slip in a longer word: swap, drop or double a letter. */
export function typo(rng: Rng, title: string): string {
  const words = title.split(" ");
  const candidates = words.map((w, i) => (/^[A-Za-z]{5,}$/.test(w) ? i : -1)).filter((i) => i >= 0);
  if (candidates.length === 0) return title;
  const i = rng.pick(candidates);
  const w = words[i] ?? "";
  const at = 1 + rng.int(w.length - 2);
  const kind = rng.int(3);
  words[i] =
    kind === 0
      ? w.slice(0, at) + (w[at + 1] ?? "") + (w[at] ?? "") + w.slice(at + 2)
      : kind === 1
        ? w.slice(0, at) + w.slice(at + 1)
        : w.slice(0, at) + (w[at] ?? "") + w.slice(at);
  return words.join(" ");
}

/** Sellers shout in caps or paste in lower case now and then. */
export function randomCasing(rng: Rng, title: string): string {
  const roll = rng.next();
  if (roll < 0.03) return title.toUpperCase();
  if (roll < 0.06) return title.toLowerCase();
  return title;
}
