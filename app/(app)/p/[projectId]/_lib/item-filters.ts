/** Items-table filters live in the URL (?split=&source=&q=), so a filtered view can be shared. */
export type ItemFilters = {
  split?: "pool" | "test";
  labelSource?: "human" | "auto" | "import";
  search?: string;
};

type Search = Record<string, string | string[] | undefined> | URLSearchParams;

function first(sp: Search, key: string): string | undefined {
  if (sp instanceof URLSearchParams) return sp.get(key) ?? undefined;
  const v = sp[key];
  return Array.isArray(v) ? v[0] : v;
}

export function parseItemFilters(sp: Search): ItemFilters {
  const split = first(sp, "split");
  const source = first(sp, "source");
  const q = first(sp, "q")?.trim().slice(0, 200);
  return {
    ...(split === "pool" || split === "test" ? { split } : {}),
    ...(source === "human" || source === "auto" || source === "import" ? { labelSource: source } : {}),
    ...(q ? { search: q } : {}),
  };
}

export function itemFiltersToQuery(f: ItemFilters): string {
  const sp = new URLSearchParams();
  if (f.split) sp.set("split", f.split);
  if (f.labelSource) sp.set("source", f.labelSource);
  if (f.search) sp.set("q", f.search);
  const s = sp.toString();
  return s ? `?${s}` : "";
}
