"use client";
/**
 * Batch review: filters (in the URL) over a keyset-paged grid of the active
 * model's predictions; select with mouse or keyboard; approve or correct the
 * selection in one annotations.submitBatch call (all or nothing). A batch above
 * CONFIRM_ABOVE rows asks first, and the last batch can be undone as one action.
 */
import { useMemo, useRef, useState, useTransition, type MouseEvent } from "react";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/app/_lib/trpc/client";
import type { RouterOutputs } from "@/app/_lib/trpc/types";
import { errorCode, errorMessage } from "@/app/_lib/errors";
import { projectHref } from "@/app/_lib/project-sections";
import { Alert, ErrorAlert } from "@/app/_components/ui/alert";
import { Button, Spinner } from "@/app/_components/ui/button";
import { Card } from "@/app/_components/ui/card";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { formatCount } from "@/app/_components/ui/stat";
import { useToast } from "@/app/_components/ui/toast";
import { ConfirmDialog } from "@/app/_components/ui/confirm-dialog";
import { batchFiltersToQuery, type BatchFilters } from "../_lib/batch-filters";
import { emptyGridText } from "../_lib/empty-grid";
import {
  EMPTY_SELECTION,
  move,
  prune,
  selectOnly,
  selectRange,
  selectedInOrder,
  toggle,
  toggleAll,
  type RowKey,
  type Selection,
} from "../_lib/selection";
import { BatchActions, type PendingBatch } from "./batch-actions";
import { BatchTable, type StoredDecision } from "./batch-table";
import { BatchToolbar } from "./batch-toolbar";
import { CategoryPicker, type PickableCategory } from "./category-picker";
import { useGridKeys } from "./use-grid-keys";

type Page = RouterOutputs["batch"]["list"];
type Facets = RouterOutputs["batch"]["facets"];
type Cursor = NonNullable<Page["nextCursor"]>;

/** Batches larger than this ask for confirmation: a mis-set filter should not label a page at one keystroke. */
export const CONFIRM_ABOVE = 20;
type StoredBatch = { annotationIds: number[]; itemIds: number[]; summary: string };

export function BatchReview({
  projectId,
  filters,
  facets,
  initialPage,
}: {
  projectId: number;
  filters: BatchFilters;
  facets: Facets;
  initialPage: Page;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const router = useRouter();
  const pathname = usePathname();
  const [isNavigating, startTransition] = useTransition();
  // cursors[i] opens page i; page 0 has none.
  const [cursors, setCursors] = useState<(Cursor | undefined)[]>([undefined]);
  const pageIndex = cursors.length - 1;
  const cursor = cursors[pageIndex];
  const [sel, setSel] = useState<Selection>(EMPTY_SELECTION);
  const [stored, setStored] = useState<Map<number, StoredDecision>>(new Map());
  const [pickerOpen, setPickerOpen] = useState(false);
  const [failed, setFailed] = useState<{ batch: PendingBatch; error: unknown } | null>(null);
  const [lastResult, setLastResult] = useState<string | null>(null);
  const [lastBatch, setLastBatch] = useState<StoredBatch | null>(null);
  const [confirming, setConfirming] = useState<PendingBatch | null>(null);
  /** When the reviewer started on what is on screen: the batch's time spent. */
  const startedAt = useRef(Date.now());

  const setFilters = (next: BatchFilters) =>
    startTransition(() => router.replace(`${pathname}${batchFiltersToQuery(next)}`, { scroll: false }));

  const page = useQuery(
    trpc.batch.list.queryOptions(
      { projectId, ...filters, cursor },
      {
        initialData: pageIndex === 0 ? initialPage : undefined,
        placeholderData: keepPreviousData,
        staleTime: 30_000,
        // Stored rows stay in place (marked) until the reviewer moves on; a refetch on focus would pull them away.
        refetchOnWindowFocus: false,
      },
    ),
  );
  const data = page.data ?? initialPage;
  const rows = data.items;
  const keys: RowKey[] = useMemo(
    () => rows.map((r) => ({ itemId: r.itemId, selectable: r.heldBy === null && !stored.has(r.itemId) })),
    [rows, stored],
  );
  const current = prune(sel, keys);
  const selectedIds = selectedInOrder(current, keys);
  const categories: PickableCategory[] = useMemo(() => facets.categories.filter((c) => !c.deleted), [facets]);
  const total = initialPage.total;

  const submit = useMutation(trpc.annotations.submitBatch.mutationOptions());
  const undo = useMutation(trpc.annotations.undoBatch.mutationOptions());

  const undoLast = async () => {
    const batch = lastBatch;
    if (!batch || undo.isPending) return;
    try {
      await undo.mutateAsync({ projectId, idempotencyKey: crypto.randomUUID(), annotationIds: batch.annotationIds });
      setStored((prev) => {
        const next = new Map(prev);
        for (const id of batch.itemIds) next.delete(id);
        return next;
      });
      setLastBatch(null);
      const n = batch.annotationIds.length;
      setLastResult(
        `${formatCount(n)} ${n === 1 ? "decision" : "decisions"} undone: the labels are as they were before.`,
      );
      toast({ tone: "ok", title: `${formatCount(n)} undone`, description: "The labels are as they were before." });
      void queryClient.invalidateQueries({ queryKey: trpc.batch.list.pathKey() });
    } catch (error) {
      toast({ tone: "danger", title: "Could not undo", description: errorMessage(error) });
    }
  };

  /** Large batches are confirmed first. */
  const propose = (batch: PendingBatch) => {
    if (batch.decisions.length > CONFIRM_ABOVE) setConfirming(batch);
    else void send(batch);
  };

  const send = async (batch: PendingBatch) => {
    setFailed(null);
    try {
      const res = await submit.mutateAsync({
        projectId,
        idempotencyKey: batch.key,
        modelVersionId: batch.modelVersionId,
        timeSpentMs: Math.min(86_400_000, Math.max(0, Date.now() - startedAt.current)),
        decisions: batch.decisions,
      });
      const byId = new Map(rows.map((r) => [r.itemId, r]));
      setStored((prev) => {
        const next = new Map(prev);
        for (const d of res.decisions) {
          const path = batch.target?.path ?? batch.paths?.get(d.itemId) ?? byId.get(d.itemId)?.predicted.path ?? "";
          if (d.categoryId !== null)
            next.set(d.itemId, {
              action: d.action === "correct" ? "correct" : "accept",
              categoryId: d.categoryId,
              path,
            });
        }
        return next;
      });
      setSel((s) => ({ ...s, ids: new Set() }));
      startedAt.current = Date.now();
      const n = res.decisions.length;
      setLastBatch({
        annotationIds: res.decisions.map((d) => d.annotationId),
        itemIds: res.decisions.map((d) => d.itemId),
        summary: batch.summary,
      });
      setLastResult(`${formatCount(n)} ${n === 1 ? "decision" : "decisions"} stored: ${batch.summary}.`);
      toast({
        tone: "ok",
        title: `${formatCount(n)} stored`,
        description: batch.summary.charAt(0).toUpperCase() + batch.summary.slice(1),
      });
      // Other pages (and this one, when revisited) may no longer match the filters.
      void queryClient.invalidateQueries({ queryKey: trpc.batch.list.pathKey(), refetchType: "none" });
    } catch (error) {
      setFailed({ batch, error });
      // Someone picked some of these up meanwhile: show who, and stop offering those rows.
      if (errorCode(error) === "CONFLICT") void page.refetch();
    }
  };

  const decide = (target: PickableCategory | null) => {
    const modelVersionId = data.modelVersion?.id;
    if (selectedIds.length === 0 || modelVersionId === undefined || submit.isPending) return;
    setPickerOpen(false);
    const decisions = selectedIds.map((itemId) =>
      target ? { itemId, action: "correct" as const, categoryId: target.id } : { itemId, action: "accept" as const },
    );
    const summary = target ? `corrected to ${target.path}` : "approved as predicted";
    propose({ key: crypto.randomUUID(), modelVersionId, decisions, target, summary });
  };

  const selectedSuspects = rows.filter((r) => r.suspect !== null && r.label?.id != null && current.ids.has(r.itemId));
  /** Settles the selected suspected labels: each row keeps its label or takes the detector's suggestion. */
  const settleSuspects = (take: "label" | "suggestion") => {
    const modelVersionId = data.modelVersion?.id;
    if (selectedSuspects.length === 0 || modelVersionId === undefined || submit.isPending) return;
    const paths = new Map<number, string>();
    const decisions = selectedSuspects.flatMap((r) => {
      const category = take === "label" ? r.label : r.suspect?.suggested;
      if (!category || category.id === null) return [];
      paths.set(r.itemId, category.path ?? "");
      return [{ itemId: r.itemId, action: "correct" as const, categoryId: category.id }];
    });
    const summary = take === "label" ? "current labels kept" : "the suggested categories taken";
    propose({ key: crypto.randomUUID(), modelVersionId, decisions, target: null, summary, paths });
  };

  const goTo = (nextCursors: (Cursor | undefined)[]) => {
    setCursors(nextCursors);
    setSel(EMPTY_SELECTION);
    setLastResult(null);
    setLastBatch(null);
    startedAt.current = Date.now();
  };
  const nextPage = () => data.nextCursor && !page.isPlaceholderData && goTo([...cursors, data.nextCursor]);
  const previousPage = () => pageIndex > 0 && goTo(cursors.slice(0, -1));

  useGridKeys(!pickerOpen && confirming === null && rows.length > 0, {
    move: (delta, extend) => setSel((s) => move(prune(s, keys), keys, delta, extend)),
    toggleFocused: () => setSel((s) => toggle(prune(s, keys), keys, s.focus)),
    selectAll: () => setSel((s) => toggleAll(prune(s, keys), keys)),
    clear: () => setSel((s) => ({ ...s, ids: new Set() })),
    approve: () => decide(null),
    correct: () => selectedIds.length > 0 && !submit.isPending && setPickerOpen(true),
    keepLabel: () => settleSuspects("label"),
    takeSuggestion: () => settleSuspects("suggestion"),
    nextPage,
    previousPage,
  });

  const onRowClick = (i: number, e: MouseEvent) => {
    if (e.shiftKey) setSel((s) => selectRange(prune(s, keys), keys, i));
    else if (e.metaKey || e.ctrlKey) setSel((s) => toggle(prune(s, keys), keys, i));
    else setSel(selectOnly(keys, i));
  };
  const onCheckbox = (i: number, e: MouseEvent) => {
    e.stopPropagation();
    setSel((s) => (e.shiftKey ? selectRange(prune(s, keys), keys, i) : toggle(prune(s, keys), keys, i)));
  };

  if (!data.modelVersion) {
    return (
      <EmptyState
        title="No active model yet"
        action={
          <Link className="text-sm font-medium text-accent hover:underline" href={projectHref(projectId, "review")}>
            Go to the review queue
          </Link>
        }
      >
        Batch review works on the active model&apos;s predictions. Label some items in the review queue; an ML engineer
        then trains and activates a model on the Models page.
      </EmptyState>
    );
  }

  const firstRow = pageIndex * filters.limit + 1;
  return (
    <Card>
      <BatchToolbar filters={filters} facets={facets} onChange={setFilters} />
      <BatchActions
        selected={selectedIds.length}
        busy={submit.isPending}
        onApprove={() => decide(null)}
        onCorrect={() => setPickerOpen(true)}
        onClear={() => setSel((s) => ({ ...s, ids: new Set() }))}
        suspects={selectedSuspects.length}
        onKeepLabel={() => settleSuspects("label")}
        onTakeSuggestion={() => settleSuspects("suggestion")}
        status={
          <>
            {isNavigating || page.isFetching ? <Spinner /> : null}
            <span>
              {rows.length === 0
                ? null
                : `Rows ${formatCount(firstRow)}–${formatCount(firstRow + rows.length - 1)} of ${
                    total ? `${formatCount(total.count)}${total.capped ? "+" : ""}` : "…"
                  }`}
              {total?.capped ? <span className="text-faint"> (counted up to {formatCount(total.count)})</span> : null} ·
              model v{data.modelVersion.version}
            </span>
          </>
        }
      />
      {lastResult ? (
        <Alert
          tone="ok"
          className="mx-4 mt-3"
          title={lastResult}
          action={
            lastBatch ? (
              <Button size="sm" onClick={() => void undoLast()} busy={undo.isPending}>
                Undo {formatCount(lastBatch.annotationIds.length)}
              </Button>
            ) : undefined
          }
        >
          {lastBatch
            ? "The rows stay marked below; they leave the grid when you change page or filters if they no longer match. Undo restores every label this batch replaced."
            : "The rows are open for review again."}
        </Alert>
      ) : null}
      {failed ? (
        <ErrorAlert
          className="mx-4 mt-3"
          title="Nothing was stored"
          error={failed.error}
          action={
            errorCode(failed.error) === null ? (
              <Button size="sm" onClick={() => void send(failed.batch)} busy={submit.isPending}>
                Retry
              </Button>
            ) : undefined
          }
        />
      ) : null}
      {page.isError ? <ErrorAlert className="mx-4 mt-3" error={page.error} title="Could not load this page" /> : null}

      {rows.length === 0 ? (
        <EmptyGrid
          filters={filters}
          categoryPath={facets.categories.find((c) => c.id === filters.categoryId)?.path ?? null}
          scored={facets.scored}
          version={data.modelVersion.version}
          onClear={() =>
            setFilters({
              ...filters,
              within: undefined,
              categoryId: undefined,
              minConfidence: undefined,
              maxConfidence: undefined,
              reason: "all",
              labelState: "any",
            })
          }
        />
      ) : (
        <BatchTable
          rows={rows}
          stored={stored}
          selected={current.ids}
          focus={current.focus}
          onRowClick={onRowClick}
          onCheckbox={onCheckbox}
          onToggleAll={() => setSel((s) => toggleAll(prune(s, keys), keys))}
        />
      )}

      <div className="flex items-center justify-between gap-3 border-t border-line px-4 py-2.5 text-xs text-muted">
        <span>
          <kbd className="font-mono">j</kbd>/<kbd className="font-mono">k</kbd> move ·{" "}
          <kbd className="font-mono">space</kbd> select · <kbd className="font-mono">shift</kbd>+arrows extend ·{" "}
          <kbd className="font-mono">ctrl/⌘ a</kbd> all · <kbd className="font-mono">a</kbd> approve ·{" "}
          <kbd className="font-mono">c</kbd> correct to… · <kbd className="font-mono">l</kbd>/
          <kbd className="font-mono">s</kbd> keep label / take suggestion (suspected) ·{" "}
          <kbd className="font-mono">n</kbd>/<kbd className="font-mono">p</kbd> page
        </span>
        <span className="flex items-center gap-2">
          <span>Page {pageIndex + 1}</span>
          <Button size="sm" onClick={previousPage} disabled={pageIndex === 0}>
            Previous
          </Button>
          <Button size="sm" onClick={nextPage} disabled={!data.nextCursor || page.isPlaceholderData}>
            Next
          </Button>
        </span>
      </div>

      <ConfirmDialog
        open={confirming !== null}
        title={`${verbOf(confirming)} ${formatCount(confirming?.decisions.length ?? 0)} items?`}
        confirmLabel={`${verbOf(confirming)} ${formatCount(confirming?.decisions.length ?? 0)}`}
        onConfirm={() => {
          const batch = confirming;
          setConfirming(null);
          if (batch) void send(batch);
        }}
        onCancel={() => setConfirming(null)}
      >
        {confirming
          ? `${formatCount(confirming.decisions.length)} items will be ${confirming.summary}. You can undo the whole batch afterwards.`
          : null}
      </ConfirmDialog>

      {pickerOpen ? (
        <CategoryPicker
          categories={categories}
          count={selectedIds.length}
          onPick={(c) => decide(c)}
          onClose={() => setPickerOpen(false)}
        />
      ) : null}
    </Card>
  );
}

const verbOf = (b: PendingBatch | null) => (b?.target ? "Correct" : b?.paths ? "Settle" : "Approve");

function EmptyGrid({
  filters,
  categoryPath,
  scored,
  version,
  onClear,
}: {
  filters: BatchFilters;
  categoryPath: string | null;
  scored: number;
  version: number;
  onClear: () => void;
}) {
  if (scored === 0) {
    return (
      <EmptyState className="m-4" title={`Model v${version} has not scored the pool yet`}>
        Scoring runs in the background after a model is activated. Reload this page in a minute.
      </EmptyState>
    );
  }
  const text = emptyGridText(filters, categoryPath);
  return (
    <EmptyState
      className="m-4"
      title={text.title}
      action={text.filtered ? <Button onClick={onClear}>Clear filters</Button> : undefined}
    >
      {text.body}
    </EmptyState>
  );
}
