/** How to dress up items of one leaf category. Vocabulary overlaps on purpose. */
export type CategorySpec = {
  path: string;
  /** Head nouns; the strongest cue, but some are shared with sibling categories. */
  nouns: readonly string[];
  /** Marketing/spec modifiers placed before the noun. */
  features: readonly string[];
  brands: readonly string[];
  /** Structured attributes: key → possible values; some also appear in titles. */
  attrs?: Readonly<Record<string, readonly string[]>>;
  /** Sold in packs ("2-Pack") — small accessories. */
  packable?: boolean;
  /** Titles may say "for <product>" using product lines of this category. */
  compatWith?: string;
  /** Has no meaningful colour (e.g. memory cards, lenses). */
  noColour?: boolean;
  /** Description sentences; "{noun}" and "{brand}" are filled in. */
  blurbs: readonly string[];
};
