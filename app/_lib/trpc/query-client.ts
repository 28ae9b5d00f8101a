/** One QueryClient factory for the browser (and for any server prefetching later). */
import { MutationCache, QueryCache, QueryClient, defaultShouldDehydrateQuery } from "@tanstack/react-query";
import superjson from "superjson";
import { errorCode } from "../errors";
import { clearSessionExpired, reportSessionExpired } from "../session-expiry";

/** The login form expects UNAUTHORIZED for a wrong password: that is not an expired session. */
function isLoginKey(key: readonly unknown[] | undefined): boolean {
  const first = key?.[0];
  return Array.isArray(first) && first[0] === "auth" && first[1] === "login";
}

export function makeQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({
      // Any success means the session is alive again (e.g. after logging in in another tab).
      onSuccess: () => clearSessionExpired(),
      onError: (error) => {
        if (errorCode(error) === "UNAUTHORIZED") reportSessionExpired();
      },
    }),
    mutationCache: new MutationCache({
      onSuccess: () => clearSessionExpired(),
      onError: (error, _vars, _ctx, mutation) => {
        if (errorCode(error) === "UNAUTHORIZED" && !isLoginKey(mutation.options.mutationKey)) reportSessionExpired();
      },
    }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // Retrying a 4xx never helps; network blips and 5xx get two more tries.
        retry: (count, error) => {
          const code = errorCode(error);
          return count < 2 && (code === null || code === "INTERNAL_SERVER_ERROR" || code === "TIMEOUT");
        },
      },
      dehydrate: {
        serializeData: superjson.serialize,
        shouldDehydrateQuery: (q) => defaultShouldDehydrateQuery(q) || q.state.status === "pending",
      },
      hydrate: { deserializeData: superjson.deserialize },
    },
  });
}
