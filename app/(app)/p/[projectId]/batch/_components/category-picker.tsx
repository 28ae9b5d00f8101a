"use client";
/**
 * "Correct all to…": a modal list of the project's live categories with a
 * search box. Typing filters (every word must appear in the path), arrows
 * move, Enter chooses, Escape closes without deciding anything.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { Button } from "@/app/_components/ui/button";
import { Input } from "@/app/_components/ui/form";
import { cx } from "@/app/_components/ui/cx";

export type PickableCategory = { id: number; path: string };

const SHOWN = 200;

export function matchCategories(all: readonly PickableCategory[], query: string): PickableCategory[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return words.length === 0 ? [...all] : all.filter((c) => words.every((w) => c.path.toLowerCase().includes(w)));
}

export function CategoryPicker({
  categories,
  count,
  onPick,
  onClose,
}: {
  categories: readonly PickableCategory[];
  count: number;
  onPick: (c: PickableCategory) => void;
  onClose: () => void;
}) {
  const [query, setQuery] = useState("");
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLUListElement>(null);
  const matches = useMemo(() => matchCategories(categories, query), [categories, query]);
  const shown = matches.slice(0, SHOWN);

  useEffect(() => setActive(0), [query]);
  useEffect(() => {
    listRef.current?.querySelector<HTMLElement>(`[data-index="${active}"]`)?.scrollIntoView({ block: "nearest" });
  }, [active]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "ArrowDown") setActive((i) => Math.min(shown.length - 1, i + 1));
    else if (e.key === "ArrowUp") setActive((i) => Math.max(0, i - 1));
    else if (e.key === "Enter") {
      const c = shown[active];
      if (c) onPick(c);
    } else if (e.key === "Escape") onClose();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div
      className="fixed inset-0 z-40 flex items-start justify-center bg-ink/20 pt-[12vh]"
      onMouseDown={(e) => e.target === e.currentTarget && onClose()}
    >
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="picker-title"
        className="w-[32rem] max-w-[calc(100vw-2rem)] rounded-lg border border-line bg-surface shadow-lg"
        onKeyDown={onKeyDown}
      >
        <div className="border-b border-line px-4 py-3">
          <h2 id="picker-title" className="text-sm font-semibold">
            Correct {count} {count === 1 ? "item" : "items"} to…
          </h2>
          <label htmlFor="picker-search" className="sr-only">
            Search categories
          </label>
          <Input
            id="picker-search"
            autoFocus
            className="mt-2"
            placeholder="Type to filter categories"
            value={query}
            maxLength={200}
            role="combobox"
            aria-expanded="true"
            aria-controls="picker-list"
            aria-activedescendant={shown[active] ? `picker-opt-${shown[active].id}` : undefined}
            onChange={(e) => setQuery(e.target.value)}
          />
        </div>
        <ul
          id="picker-list"
          ref={listRef}
          role="listbox"
          aria-label="Categories"
          className="max-h-80 overflow-y-auto py-1"
        >
          {shown.map((c, i) => (
            <li
              key={c.id}
              id={`picker-opt-${c.id}`}
              data-index={i}
              role="option"
              aria-selected={i === active}
              className={cx(
                "cursor-pointer truncate px-4 py-1.5 text-sm",
                i === active ? "bg-accent-soft text-ink" : "hover:bg-canvas",
              )}
              title={c.path}
              onMouseEnter={() => setActive(i)}
              onClick={() => onPick(c)}
            >
              {c.path}
            </li>
          ))}
          {shown.length === 0 ? <li className="px-4 py-3 text-sm text-muted">No category matches “{query}”.</li> : null}
          {matches.length > SHOWN ? (
            <li className="px-4 py-1.5 text-xs text-muted">{matches.length - SHOWN} more — keep typing to narrow.</li>
          ) : null}
        </ul>
        <div className="flex items-center justify-between border-t border-line px-4 py-2 text-xs text-muted">
          <span>↑↓ to move · Enter to correct · Esc to cancel</span>
          <Button size="sm" variant="ghost" onClick={onClose}>
            Cancel
          </Button>
        </div>
      </div>
    </div>
  );
}
