/**
 * Batch-review filters live in the URL (?within=&cat=&min=&max=&reason=&label=&sort=&size=),
 * so a filtered view can be shared and survives a reload. Anything malformed is dropped.
 */
import { BATCH_SORTS } from "@/lib/constants";
import { BATCH_REASONS } from "@/lib/constants";
import { BATCH_LABEL_STATES } from "@/lib/constants";

export type BatchSort = (typeof BATCH_SORTS)[number];
export type BatchReason = (typeof BATCH_REASONS)[number];
export type BatchLabelState = (typeof BATCH_LABEL_STATES)[number];

export const PAGE_SIZES = [50, 100, 200] as const;
export type PageSize = (typeof PAGE_SIZES)[number];

export type BatchFilters = {
  /** A parent path: predictions of any category at or under it. */
  within?: string;
  categoryId?: number;
  minConfidence?: number;
  maxConfidence?: number;
  reason: BatchReason;
  labelState: BatchLabelState;
  sort: BatchSort;
  limit: PageSize;
};

export const DEFAULT_FILTERS: BatchFilters = { reason: "all", labelState: "any", sort: "confidence_desc", limit: 100 };

type Search = Record<string, string | string[] | undefined> | URLSearchParams;

function first(sp: Search, key: string): string | undefined {
  if (sp instanceof URLSearchParams) return sp.get(key) ?? undefined;
  const v = sp[key];
  return Array.isArray(v) ? v[0] : v;
}

function oneOf<T extends string>(values: readonly T[], v: string | undefined, fallback: T): T {
  return values.find((x) => x === v) ?? fallback;
}

/** A probability from the URL, in percent ("80") or as a fraction ("0.8"). */
function probability(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === "") return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 100) return undefined;
  return n > 1 ? n / 100 : n;
}

export function parseBatchFilters(sp: Search): BatchFilters {
  const cat = Number(first(sp, "cat"));
  let min = probability(first(sp, "min"));
  let max = probability(first(sp, "max"));
  if (min !== undefined && max !== undefined && min > max) [min, max] = [max, min];
  const size = Number(first(sp, "size"));
  const within = first(sp, "within")?.trim();
  return {
    ...(within && within.length <= 500 ? { within } : {}),
    ...(Number.isSafeInteger(cat) && cat > 0 && cat <= 2_147_483_647 ? { categoryId: cat } : {}),
    ...(min !== undefined ? { minConfidence: min } : {}),
    ...(max !== undefined ? { maxConfidence: max } : {}),
    reason: oneOf(BATCH_REASONS, first(sp, "reason"), DEFAULT_FILTERS.reason),
    labelState: oneOf(BATCH_LABEL_STATES, first(sp, "label"), DEFAULT_FILTERS.labelState),
    sort: oneOf(BATCH_SORTS, first(sp, "sort"), DEFAULT_FILTERS.sort),
    limit: PAGE_SIZES.find((s) => s === size) ?? DEFAULT_FILTERS.limit,
  };
}

/** Percent with at most one decimal, so 0.8 reads as "80" in the URL and the inputs. */
export function toPercent(p: number): string {
  return String(Math.round(p * 1000) / 10);
}

export function batchFiltersToQuery(f: BatchFilters): string {
  const sp = new URLSearchParams();
  if (f.within !== undefined) sp.set("within", f.within);
  if (f.categoryId !== undefined) sp.set("cat", String(f.categoryId));
  if (f.minConfidence !== undefined) sp.set("min", toPercent(f.minConfidence));
  if (f.maxConfidence !== undefined) sp.set("max", toPercent(f.maxConfidence));
  if (f.reason !== DEFAULT_FILTERS.reason) sp.set("reason", f.reason);
  if (f.labelState !== DEFAULT_FILTERS.labelState) sp.set("label", f.labelState);
  if (f.sort !== DEFAULT_FILTERS.sort) sp.set("sort", f.sort);
  if (f.limit !== DEFAULT_FILTERS.limit) sp.set("size", String(f.limit));
  const s = sp.toString();
  return s ? `?${s}` : "";
}

export function isFiltered(f: BatchFilters): boolean {
  return (
    f.categoryId !== undefined ||
    f.within !== undefined ||
    f.minConfidence !== undefined ||
    f.maxConfidence !== undefined ||
    f.reason !== "all" ||
    f.labelState !== "any"
  );
}
