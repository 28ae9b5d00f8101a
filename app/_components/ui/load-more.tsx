"use client";

import { Button } from "./button";

type Pageable = { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };

/** The footer of a keyset-paged list: shown only while there is a next page. */
export function LoadMore({ query, label = "Load more" }: { query: Pageable; label?: string }) {
  if (!query.hasNextPage) return null;
  return (
    <div className="flex justify-center border-t border-line px-4 py-2.5">
      <Button onClick={() => query.fetchNextPage()} busy={query.isFetchingNextPage}>
        {label}
      </Button>
    </div>
  );
}
