"use client";
/**
 * The items table: filters in the URL, keyset paging with "Load more".
 * The server renders the first page; later pages and filter changes are fetched here.
 */
import { useEffect, useState, useTransition } from "react";
import { usePathname, useRouter } from "next/navigation";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useTRPC } from "@/app/_lib/trpc/client";
import type { RouterOutputs } from "@/app/_lib/trpc/types";
import { ErrorAlert } from "@/app/_components/ui/alert";
import { SourceBadge, SplitBadge } from "@/app/_components/ui/badge";
import { Button, Spinner } from "@/app/_components/ui/button";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { Input, Select } from "@/app/_components/ui/form";
import { TBody, THead, Table, Td, Th, Tr } from "@/app/_components/ui/table";
import { itemFiltersToQuery, type ItemFilters } from "../_lib/item-filters";
import { LoadMore } from "@/app/_components/ui/load-more";

type ItemsPage = RouterOutputs["items"]["list"];
const PAGE_SIZE = 50;

export function ItemsBrowser({
  projectId,
  filters,
  initialPage,
}: {
  projectId: number;
  filters: ItemFilters;
  initialPage: ItemsPage;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const [isNavigating, startTransition] = useTransition();
  const [searchText, setSearchText] = useState(filters.search ?? "");

  const setFilters = (next: ItemFilters) => {
    startTransition(() => router.replace(`${pathname}${itemFiltersToQuery(next)}`, { scroll: false }));
  };

  // Typing settles for 300 ms before the URL (and the query) changes.
  useEffect(() => {
    const trimmed = searchText.trim();
    if (trimmed === (filters.search ?? "")) return;
    const timer = window.setTimeout(() => setFilters({ ...filters, search: trimmed || undefined }), 300);
    return () => window.clearTimeout(timer);
    // Only typing restarts the wait; the filters it merges into are read when it fires.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [searchText]);

  const query = useInfiniteQuery(
    trpc.items.list.infiniteQueryOptions(
      { projectId, ...filters, limit: PAGE_SIZE },
      {
        getNextPageParam: (last) => last.nextCursor ?? undefined,
        initialData: { pages: [initialPage], pageParams: [null] },
        // The server just rendered this page for exactly these filters.
        staleTime: 30_000,
      },
    ),
  );

  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = Boolean(filters.split || filters.labelSource || filters.search);

  return (
    <div>
      <div role="search" className="flex flex-wrap items-end gap-2 border-b border-line px-4 py-2.5">
        <label className="sr-only" htmlFor="items-search">
          Search titles
        </label>
        <Input
          id="items-search"
          type="search"
          placeholder="Search titles…"
          className="w-64"
          value={searchText}
          maxLength={200}
          onChange={(e) => setSearchText(e.target.value)}
        />
        <label className="sr-only" htmlFor="items-split">
          Split
        </label>
        <Select
          id="items-split"
          className="w-36"
          value={filters.split ?? ""}
          onChange={(e) => setFilters({ ...filters, split: (e.target.value || undefined) as ItemFilters["split"] })}
        >
          <option value="">All splits</option>
          <option value="pool">Pool</option>
          <option value="test">Test (gold)</option>
        </Select>
        <label className="sr-only" htmlFor="items-source">
          Label source
        </label>
        <Select
          id="items-source"
          className="w-44"
          value={filters.labelSource ?? ""}
          onChange={(e) =>
            setFilters({ ...filters, labelSource: (e.target.value || undefined) as ItemFilters["labelSource"] })
          }
        >
          <option value="">Any label source</option>
          <option value="human">Human</option>
          <option value="auto">Auto</option>
          <option value="import">Import</option>
        </Select>
        {filtered ? (
          <Button
            variant="ghost"
            onClick={() => {
              setSearchText("");
              setFilters({});
            }}
          >
            Clear filters
          </Button>
        ) : null}
        <span className="ml-auto flex items-center gap-2 text-xs text-muted" aria-live="polite">
          {isNavigating || query.isFetching ? <Spinner /> : null}
          {rows.length > 0 ? `${rows.length}${query.hasNextPage ? "+" : ""} shown` : null}
        </span>
      </div>

      {query.isError ? <ErrorAlert error={query.error} className="m-4" /> : null}

      {rows.length === 0 && !query.isFetching ? (
        <EmptyState className="m-4" title={filtered ? "No items match these filters" : "No items yet"}>
          {filtered
            ? "Try a different search or clear the filters."
            : "Import items from the Data page to start labelling."}
        </EmptyState>
      ) : (
        <Table caption="Items">
          <THead>
            <tr>
              <Th className="w-40">External ID</Th>
              <Th>Title</Th>
              <Th className="w-20">Split</Th>
              <Th>Current label</Th>
              <Th className="w-32">Source</Th>
            </tr>
          </THead>
          <TBody>
            {rows.map((item) => (
              <Tr key={item.id}>
                <Td className="max-w-40 truncate font-mono text-xs text-muted" title={item.externalId}>
                  {item.externalId}
                </Td>
                <Td className="max-w-md truncate" title={item.title}>
                  {item.title}
                </Td>
                <Td>
                  <SplitBadge split={item.split} />
                </Td>
                <Td className="max-w-sm truncate text-muted" title={item.label?.path ?? undefined}>
                  {item.label ? (
                    (item.label.path ?? <span className="italic">No category fits</span>)
                  ) : (
                    <span className="text-faint">—</span>
                  )}
                </Td>
                <Td>
                  <span className="flex items-center gap-1.5">
                    <SourceBadge source={item.label?.source ?? null} />
                    {item.label?.source === "auto" && item.label.confidence !== null ? (
                      <span className="text-xs text-muted tabular-nums">
                        {Math.round(item.label.confidence * 100)}%
                      </span>
                    ) : null}
                  </span>
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}

      <LoadMore query={query} />
    </div>
  );
}
