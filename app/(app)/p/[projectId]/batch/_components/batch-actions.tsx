"use client";
/** The action bar above the grid: what is selected and what can be done with it. Sticks below the app header (h-12 + border). */
import type { ReactNode } from "react";
import { Button } from "@/app/_components/ui/button";
import { formatCount } from "@/app/_components/ui/stat";
import type { PickableCategory } from "./category-picker";

/** A decision batch as sent, kept so a retry after a network failure reuses its idempotency key. */
export type PendingBatch = {
  key: string;
  modelVersionId: number;
  decisions: ({ itemId: number; action: "accept" } | { itemId: number; action: "correct"; categoryId: number })[];
  /** The category of a "correct all to…", null for an approval or a per-row decision. */
  target: PickableCategory | null;
  /** What the batch does, for the result message ("approved as predicted"). */
  summary: string;
  /** Per-row decisions (keep the label, take the suggestion): the category path each row gets. */
  paths?: ReadonlyMap<number, string>;
};

export function BatchActions({
  selected,
  busy,
  onApprove,
  onCorrect,
  onClear,
  suspects,
  onKeepLabel,
  onTakeSuggestion,
  status,
}: {
  selected: number;
  busy: boolean;
  onApprove: () => void;
  onCorrect: () => void;
  onClear: () => void;
  /** Selected rows whose label the detector suspects: the keep / take-suggestion pair applies to those. */
  suspects: number;
  onKeepLabel: () => void;
  onTakeSuggestion: () => void;
  status: ReactNode;
}) {
  const none = selected === 0;
  return (
    <div className="sticky top-[49px] z-20 flex flex-wrap items-center gap-2 border-b border-line bg-surface/95 px-4 py-2 backdrop-blur">
      <span className="min-w-24 text-sm font-medium tabular-nums" aria-live="polite" data-testid="batch-selected">
        {none ? "None selected" : `${formatCount(selected)} selected`}
      </span>
      <Button variant="primary" size="sm" disabled={none} busy={busy} onClick={onApprove} aria-keyshortcuts="a">
        Approve {none ? "" : formatCount(selected)}
        <kbd className="ml-1 rounded bg-accent-hover/60 px-1 font-mono text-[10px]">a</kbd>
      </Button>
      <Button size="sm" disabled={none || busy} onClick={onCorrect} aria-keyshortcuts="c">
        Correct to…
        <kbd className="ml-1 rounded bg-line px-1 font-mono text-[10px]">c</kbd>
      </Button>
      {suspects > 0 ? (
        <>
          <Button size="sm" disabled={busy} onClick={onKeepLabel} aria-keyshortcuts="l" data-testid="keep-label">
            Keep current label ({formatCount(suspects)})
            <kbd className="ml-1 rounded bg-line px-1 font-mono text-[10px]">l</kbd>
          </Button>
          <Button
            size="sm"
            disabled={busy}
            onClick={onTakeSuggestion}
            aria-keyshortcuts="s"
            data-testid="take-suggestion"
          >
            Take suggestion ({formatCount(suspects)})
            <kbd className="ml-1 rounded bg-line px-1 font-mono text-[10px]">s</kbd>
          </Button>
        </>
      ) : null}
      {none ? null : (
        <Button size="sm" variant="ghost" onClick={onClear} aria-keyshortcuts="Escape">
          Clear
        </Button>
      )}
      <span className="ml-auto flex items-center gap-2 text-xs text-muted" aria-live="polite">
        {status}
      </span>
    </div>
  );
}
