"use client";
/**
 * "/" opens this: fuzzy type-ahead over the whole taxonomy, matching any
 * segment of a path. Arrow keys move, Enter picks, Escape closes. It owns the
 * keyboard while open, so review shortcuts never fire while typing.
 */
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from "react";
import Fuse from "fuse.js";
import { cx } from "@/app/_components/ui/cx";
import { insideFirst } from "../_lib/review-choices";

export type CategoryOption = { id: number; path: string };
type Indexed = CategoryOption & { segments: string[]; leaf: string };

const MAX_RESULTS = 50;

export function CategorySearch({
  categories,
  recent,
  within,
  onPick,
  onClose,
}: {
  categories: CategoryOption[];
  recent: CategoryOption[];
  /** The parent the model is sure of: categories inside it are listed first, in their own order. */
  within?: string | null;
  onPick: (c: CategoryOption) => void;
  onClose: () => void;
}) {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const listId = useId();

  const indexed = useMemo<Indexed[]>(
    () =>
      categories.map((c) => {
        const segments = c.path.split(" > ");
        return { ...c, segments, leaf: segments[segments.length - 1] ?? c.path };
      }),
    [categories],
  );
  const fuse = useMemo(
    () =>
      new Fuse(indexed, {
        keys: [
          { name: "leaf", weight: 3 },
          { name: "segments", weight: 2 },
          { name: "path", weight: 1 },
        ],
        threshold: 0.38,
        ignoreLocation: true,
        // Space-separated words must all match (fuzzily), each anywhere in the path: "sauce pesto".
        useExtendedSearch: true,
      }),
    [indexed],
  );
  const results = useMemo<CategoryOption[]>(() => {
    const q = query.trim();
    if (!q) {
      const live = new Set(categories.map((c) => c.id));
      const rec = recent.filter((r) => live.has(r.id));
      const recIds = new Set(rec.map((r) => r.id));
      return insideFirst([...rec, ...categories.filter((c) => !recIds.has(c.id))], (c) => c.path, within ?? null).slice(
        0,
        MAX_RESULTS,
      );
    }
    // Matches inside the parent first (each group in match order), so the aisle is one or two keys away.
    const hits = fuse.search(q, { limit: within ? MAX_RESULTS * 4 : MAX_RESULTS });
    return insideFirst(
      hits.map((r) => ({ id: r.item.id, path: r.item.path })),
      (c) => c.path,
      within ?? null,
    ).slice(0, MAX_RESULTS);
  }, [query, fuse, categories, recent, within]);

  useEffect(() => inputRef.current?.focus(), []);
  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    listRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`)?.scrollIntoView({ block: "nearest" });
  }, [active]);

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    // Nothing typed here reaches the page's shortcuts.
    e.stopPropagation();
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setActive((a) => Math.min(results.length - 1, a + 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive((a) => Math.max(0, a - 1));
    } else if (e.key === "Enter") {
      e.preventDefault();
      const pick = results[active];
      if (pick) onPick(pick);
    } else if (e.key === "Escape") {
      e.preventDefault();
      onClose();
    }
  };

  const activeId = results[active] ? `${listId}-${results[active].id}` : undefined;
  return (
    <div className="fixed inset-0 z-40 flex items-start justify-center bg-ink/20 px-4 pt-[12vh]" onMouseDown={onClose}>
      <div
        role="dialog"
        aria-modal="true"
        aria-label="Choose a category"
        className="w-full max-w-xl overflow-hidden rounded-lg border border-line bg-surface shadow-lg"
        onMouseDown={(e) => e.stopPropagation()}
      >
        <div className="flex items-center gap-2 border-b border-line px-3">
          <span aria-hidden="true" className="text-faint">
            /
          </span>
          <input
            ref={inputRef}
            role="combobox"
            aria-expanded="true"
            aria-controls={listId}
            aria-activedescendant={activeId}
            aria-autocomplete="list"
            aria-label="Search categories"
            placeholder="Search all categories by any part of the path…"
            className="h-11 w-full bg-transparent text-base outline-none placeholder:text-faint"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={onKeyDown}
            autoComplete="off"
            spellCheck={false}
          />
          <kbd className="rounded border border-line-strong px-1.5 text-[11px] text-muted">Esc</kbd>
        </div>
        <ul
          ref={listRef}
          id={listId}
          role="listbox"
          aria-label="Categories"
          className="max-h-[50vh] overflow-y-auto py-1"
        >
          {results.length === 0 ? (
            <li className="px-3 py-6 text-center text-sm text-muted">No category matches “{query}”.</li>
          ) : (
            results.map((c, i) => (
              <li
                key={c.id}
                id={`${listId}-${c.id}`}
                data-index={i}
                role="option"
                aria-selected={i === active}
                className={cx(
                  "cursor-pointer px-3 py-1.5 text-sm",
                  i === active ? "bg-accent-soft text-ink" : "hover:bg-canvas",
                )}
                onMouseEnter={() => setActive(i)}
                onClick={() => onPick(c)}
              >
                <PathText path={c.path} />
              </li>
            ))
          )}
        </ul>
        <div className="flex gap-4 border-t border-line bg-canvas px-3 py-1.5 text-[11px] text-muted">
          <span>
            <Kbd>↑</Kbd> <Kbd>↓</Kbd> move
          </span>
          <span>
            <Kbd>Enter</Kbd> choose
          </span>
          <span>
            <Kbd>Esc</Kbd> back
          </span>
          <span className="ml-auto">
            {query.trim()
              ? `${results.length} match${results.length === 1 ? "" : "es"}`
              : `${categories.length} categories`}
          </span>
        </div>
      </div>
    </div>
  );
}

/** "A > B > Leaf" with the leaf emphasised. */
export function PathText({ path, className }: { path: string; className?: string }) {
  const parts = path.split(" > ");
  const leaf = parts.pop();
  return (
    <span className={className}>
      {parts.length > 0 ? <span className="text-muted">{parts.join(" › ")} › </span> : null}
      <span className="font-medium">{leaf}</span>
    </span>
  );
}

export function Kbd({ children }: { children: string }) {
  return (
    <kbd className="inline-flex min-w-[1.4em] items-center justify-center rounded border border-line-strong bg-surface px-1 font-sans text-[11px] leading-4 text-ink shadow-xs">
      {children}
    </kbd>
  );
}
