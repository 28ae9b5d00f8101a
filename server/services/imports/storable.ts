/**
 * Text the database can keep (the import log and its webhook): no NUL, no half of a surrogate pair (U+FFFD instead). A refused
 * line's JSON error quotes it ("Unexpected token '\ud83d'": V8 cuts an emoji in half), and
 * a filename cut at 255 can split a pair: either made the log of the refused run a 500.
 */
export function storable(text: string): string {
  return text
    .replaceAll("\u0000", "")
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}
