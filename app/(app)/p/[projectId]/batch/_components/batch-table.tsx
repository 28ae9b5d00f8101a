"use client";
/**
 * The grid itself: one row per prediction, selection shown with checkboxes and
 * a tint, the keyboard cursor with an accent bar. Mouse: click selects one row,
 * Ctrl/Cmd-click toggles, shift-click selects a range from the last click.
 */
import { useEffect, useRef, type MouseEvent } from "react";
import type { RouterOutputs } from "@/app/_lib/trpc/types";
import { Badge, SourceBadge } from "@/app/_components/ui/badge";
import { cx } from "@/app/_components/ui/cx";
import { Th } from "@/app/_components/ui/table";

export type BatchRow = RouterOutputs["batch"]["list"]["items"][number];
/** A decision stored from this page, shown in place until the page is reloaded. */
export type StoredDecision = { action: "accept" | "correct"; categoryId: number; path: string };

type Props = {
  rows: readonly BatchRow[];
  stored: ReadonlyMap<number, StoredDecision>;
  selected: ReadonlySet<number>;
  focus: number;
  onRowClick: (index: number, e: MouseEvent) => void;
  onCheckbox: (index: number, e: MouseEvent) => void;
  onToggleAll: () => void;
};

const pct = (p: number) => `${(Math.round(p * 1000) / 10).toFixed(1)}%`;

export function BatchTable({ rows, stored, selected, focus, onRowClick, onCheckbox, onToggleAll }: Props) {
  const rowRefs = useRef<(HTMLTableRowElement | null)[]>([]);
  useEffect(() => {
    rowRefs.current[focus]?.scrollIntoView({ block: "nearest" });
  }, [focus]);

  const selectable = rows.filter((r) => r.heldBy === null && !stored.has(r.itemId));
  const allChecked = selectable.length > 0 && selectable.every((r) => selected.has(r.itemId));
  const someChecked = !allChecked && selectable.some((r) => selected.has(r.itemId));

  return (
    // Fixed column shares: every column fits a wide card (long paths truncate inside their cell); below the
    // minimum width the grid scrolls inside the card instead of widening the page.
    <div className="relative overflow-x-auto" data-testid="batch-grid-scroll">
      <table
        role="grid"
        aria-multiselectable="true"
        aria-label="Predictions"
        className="w-full min-w-[56rem] table-fixed border-collapse text-left text-sm"
      >
        <thead className="border-b border-line bg-canvas/60 text-xs text-muted">
          <tr>
            <Th className="w-10">
              <input
                type="checkbox"
                aria-label="Select all on this page"
                className="size-4 accent-accent"
                checked={allChecked}
                ref={(el) => {
                  if (el) el.indeterminate = someChecked;
                }}
                disabled={selectable.length === 0}
                onChange={onToggleAll}
              />
            </Th>
            <Th>Item</Th>
            <Th className="w-[18%]">Predicted category</Th>
            <Th className="w-32">Confidence</Th>
            <Th className="w-20 text-right">Margin</Th>
            <Th className="w-[15%]">Runner-up</Th>
            <Th className="w-[20%]">Current label</Th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {rows.map((r, i) => {
            const done = stored.get(r.itemId);
            const isSelected = selected.has(r.itemId);
            const blocked = r.heldBy !== null || done !== undefined;
            const second = r.alternatives[0];
            return (
              <tr
                key={r.itemId}
                ref={(el) => {
                  rowRefs.current[i] = el;
                }}
                aria-selected={isSelected}
                aria-disabled={blocked || undefined}
                data-item-id={r.itemId}
                className={cx(
                  "cursor-default select-none",
                  isSelected ? "bg-accent-soft" : done ? "bg-ok-soft/50" : "hover:bg-canvas/70",
                  i === focus && "shadow-[inset_3px_0_0_var(--color-accent)]",
                  blocked && "text-muted",
                )}
                onMouseDown={(e) => e.shiftKey && e.preventDefault()}
                onClick={(e) => onRowClick(i, e)}
              >
                <td className="px-3 py-1.5 align-middle">
                  <input
                    type="checkbox"
                    aria-label={`Select ${r.title}`}
                    className="size-4 accent-accent"
                    checked={isSelected}
                    disabled={blocked}
                    onClick={(e) => onCheckbox(i, e)}
                    onChange={() => {}}
                  />
                </td>
                <td className="px-3 py-1.5 align-middle">
                  <div className="truncate font-medium text-ink" title={r.title}>
                    {r.title}
                  </div>
                  <div className="truncate font-mono text-[11px] text-faint" title={r.externalId}>
                    {r.externalId}
                  </div>
                </td>
                <td className="px-3 py-1.5 align-middle">
                  <CategoryText path={r.predicted.path} deleted={r.predicted.deleted} />
                </td>
                <td className="px-3 py-1.5 align-middle">
                  <ConfidenceBar value={r.confidence} />
                </td>
                <td className="px-3 py-1.5 text-right align-middle text-xs text-muted tabular-nums">{pct(r.margin)}</td>
                <td className="px-3 py-1.5 align-middle text-xs text-muted">
                  {second ? (
                    <span className="flex min-w-0 items-center gap-1.5">
                      <span className="truncate" title={second.path ?? undefined}>
                        {second.path ?? "Unknown category"}
                      </span>
                      <span className="shrink-0 tabular-nums">{pct(second.prob)}</span>
                    </span>
                  ) : (
                    <span className="text-faint">—</span>
                  )}
                </td>
                <td className="overflow-hidden px-3 py-1.5 align-middle">
                  <LabelCell row={r} done={done} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function CategoryText({ path, deleted }: { path: string | null; deleted: boolean }) {
  return (
    <span className="flex min-w-0 items-center gap-1.5">
      <span className={cx("truncate", deleted && "line-through")} title={path ?? undefined}>
        {path ?? "Unknown category"}
      </span>
      {deleted ? <Badge tone="danger">Deleted</Badge> : null}
    </span>
  );
}

function ConfidenceBar({ value }: { value: number }) {
  const tone = value >= 0.9 ? "bg-ok" : value >= 0.6 ? "bg-accent" : "bg-warn";
  return (
    <span className="flex items-center gap-2">
      <span aria-hidden="true" className="h-1.5 w-16 overflow-hidden rounded-full bg-line">
        <span
          className={cx("block h-full rounded-full", tone)}
          style={{ width: `${Math.max(2, Math.round(value * 100))}%` }}
        />
      </span>
      <span className="text-xs tabular-nums">{pct(value)}</span>
    </span>
  );
}

function LabelCell({ row, done }: { row: BatchRow; done: StoredDecision | undefined }) {
  if (done) {
    return (
      <span className="flex min-w-0 items-center gap-1.5">
        <Badge tone="ok">{done.action === "accept" ? "Approved" : "Corrected"}</Badge>
        <span className="truncate text-ink" title={done.path}>
          {done.path}
        </span>
      </span>
    );
  }
  const l = row.label;
  return (
    <span className="flex min-w-0 flex-wrap items-center gap-1.5">
      <SourceBadge source={l?.source ?? null} />
      {row.awaitingAudit ? <Badge tone="warn">Awaiting audit</Badge> : null}
      {row.heldBy !== null ? <Badge tone="neutral">In review by {row.heldBy}</Badge> : null}
      {l ? (
        <span className="truncate text-xs text-muted" title={l.path ?? undefined}>
          {l.id === null
            ? "No category fits"
            : l.id === row.predicted.id
              ? "same as predicted"
              : (l.path ?? "Unknown category")}
        </span>
      ) : null}
      {row.suspect ? (
        <span className="flex min-w-0 basis-full items-center gap-1.5 text-xs" data-testid="suspect">
          <Badge tone="warn">Suspected wrong</Badge>
          <span className="truncate text-muted" title={`Suggested: ${row.suspect.suggested.path ?? ""}`}>
            suggests {row.suspect.suggested.path ?? "Unknown category"}
          </span>
        </span>
      ) : null}
      {row.dispute ? (
        <span className="flex min-w-0 basis-full items-center gap-1.5 text-xs" data-testid="dispute">
          <Badge tone="warn">2nd opinion</Badge>
          <span className="truncate text-muted" title={`${row.dispute.by}: ${row.dispute.path ?? "no category fits"}`}>
            {row.dispute.by}: {row.dispute.id === null ? "no category fits" : (row.dispute.path ?? "Unknown category")}
          </span>
        </span>
      ) : null}
    </span>
  );
}
