"use client";
/**
 * Browser tRPC: `useTRPC()` gives typed query/mutation options for TanStack Query,
 * e.g. `useQuery(trpc.auth.me.queryOptions())`, `useMutation(trpc.auth.logout.mutationOptions())`.
 */
import { useState, type ReactNode } from "react";
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, type TRPCLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import superjson from "superjson";
import type { AppRouter } from "@/server/routers/_app";
import { makeQueryClient } from "./query-client";
import { MAX_TRPC_BATCH } from "@/lib/constants";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/**
 * tRPC infinite queries send `cursor: null` for the first page, while Loupe's list
 * inputs take an optional cursor (absent = first page). Dropping the null here lets
 * `trpc.x.list.infiniteQueryOptions(...)` work with every keyset-paged procedure.
 */
const firstPageWithoutCursor: TRPCLink<AppRouter> =
  () =>
  ({ op, next }) => {
    const input: unknown = op.input;
    if (
      op.type === "query" &&
      typeof input === "object" &&
      input !== null &&
      "cursor" in input &&
      input.cursor == null
    ) {
      const { cursor: _omit, ...rest } = input;
      return next({ ...op, input: rest });
    }
    return next(op);
  };

let browserQueryClient: QueryClient | undefined;
function getQueryClient(): QueryClient {
  // Server render: a fresh client per request, never shared between users.
  if (typeof window === "undefined") return makeQueryClient();
  browserQueryClient ??= makeQueryClient();
  return browserQueryClient;
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        firstPageWithoutCursor,
        httpBatchLink({ url: "/api/trpc", transformer: superjson, maxItems: MAX_TRPC_BATCH }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
