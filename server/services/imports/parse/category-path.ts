import { IMPORT_LIMITS } from "@/lib/constants";

export type CategoryPathResult = { ok: true; path: string } | { ok: false; message: string };

/**
 * "Audio>Headphones", " Audio  >  Headphones " → "Audio > Headphones".
 * Whitespace inside a segment is collapsed so paths compare equal as strings.
 */
export function normaliseCategoryPath(raw: string): CategoryPathResult {
  const segments = raw.split(">").map((s) => s.replace(/\s+/g, " ").trim());
  if (segments.some((s) => s === "")) return { ok: false, message: "empty path segment" };
  if (segments.length > IMPORT_LIMITS.categoryDepth) {
    return { ok: false, message: `depth must be at most ${IMPORT_LIMITS.categoryDepth}` };
  }
  const path = segments.join(" > ");
  if (path.length > IMPORT_LIMITS.categoryChars) {
    return { ok: false, message: `must be at most ${IMPORT_LIMITS.categoryChars} characters` };
  }
  return { ok: true, path };
}
