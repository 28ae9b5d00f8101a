"use client";
/** The delivery log of a project's webhooks: every message with its attempts, newest first, and Resend. */
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/app/_lib/trpc/client";
import { errorMessage } from "@/app/_lib/errors";
import { ErrorAlert } from "@/app/_components/ui/alert";
import { Badge, type Tone } from "@/app/_components/ui/badge";
import { Button } from "@/app/_components/ui/button";
import { Card, CardHeader } from "@/app/_components/ui/card";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { LoadMore } from "@/app/_components/ui/load-more";
import { TBody, THead, Table, Td, Th, Tr } from "@/app/_components/ui/table";
import { useToast } from "@/app/_components/ui/toast";
import type { WebhookDeliveryStatus } from "@/lib/constants";

const STATUS_TONE: Record<WebhookDeliveryStatus, Tone> = { pending: "warn", succeeded: "ok", failed: "danger" };
const timeFmt = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });
/** While a delivery is still being tried, the log refreshes itself this often; otherwise every IDLE_REFRESH_MS. */
const PENDING_REFRESH_MS = 2000;
const IDLE_REFRESH_MS = 30_000;

export function WebhookDeliveries({ projectId, urls }: { projectId: number; urls: Map<number, string> }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const log = useInfiniteQuery(
    trpc.webhooks.deliveries.infiniteQueryOptions(
      { projectId, limit: 50 },
      {
        getNextPageParam: (last) => last.nextCursor ?? undefined,
        refetchInterval: (q) =>
          q.state.data?.pages.some((p) => p.deliveries.some((d) => d.status === "pending"))
            ? PENDING_REFRESH_MS
            : IDLE_REFRESH_MS,
      },
    ),
  );
  const resend = useMutation(
    trpc.webhooks.resend.mutationOptions({
      onSuccess: () => {
        toast({ tone: "ok", title: "Sending again" });
        return queryClient.invalidateQueries({ queryKey: trpc.webhooks.deliveries.pathKey() });
      },
      onError: (err) => toast({ tone: "danger", title: "Could not resend", description: errorMessage(err) }),
    }),
  );
  const rows = log.data?.pages.flatMap((p) => p.deliveries) ?? [];
  return (
    <Card>
      <CardHeader
        title="Delivery log"
        description="Every message, its attempts and the receiver's last answer (at most 1 KB of it is kept)."
        actions={
          <Button
            size="sm"
            aria-label="Refresh the delivery log"
            busy={log.isFetching}
            onClick={() => void log.refetch()}
          >
            Refresh
          </Button>
        }
      />
      {log.isError ? <ErrorAlert error={log.error} className="m-4" /> : null}
      {rows.length === 0 ? (
        <EmptyState className="m-4" title="Nothing sent yet">
          Deliveries appear here as events happen.
        </EmptyState>
      ) : (
        <Table caption="Webhook deliveries">
          <THead>
            <tr>
              <Th>Event</Th>
              <Th>To</Th>
              <Th>Status</Th>
              <Th className="text-right">Attempts</Th>
              <Th className="text-right">Last code</Th>
              <Th>Last error</Th>
              <Th>Time (UTC)</Th>
              <Th>
                <span className="sr-only">Actions</span>
              </Th>
            </tr>
          </THead>
          <TBody>
            {rows.map((d) => (
              <Tr key={d.id}>
                <Td className="font-mono text-xs" title={d.messageId}>
                  {d.eventType}
                </Td>
                <Td className="max-w-56 truncate text-xs text-muted" title={urls.get(d.webhookId) ?? "deleted webhook"}>
                  {urls.get(d.webhookId) ?? "deleted webhook"}
                </Td>
                <Td>
                  <Badge tone={STATUS_TONE[d.status]}>{d.status}</Badge>
                </Td>
                <Td className="text-right tabular-nums" data-testid="delivery-attempts">
                  {d.attempts}
                </Td>
                <Td className="text-right tabular-nums">{d.lastStatusCode ?? "–"}</Td>
                <Td className="max-w-72 truncate text-xs" title={d.responseExcerpt ?? undefined}>
                  {d.lastError ?? "–"}
                </Td>
                <Td className="text-xs whitespace-nowrap text-muted">
                  {timeFmt.format(new Date(d.lastAttemptAt ?? d.createdAt))}
                </Td>
                <Td className="text-right">
                  <Button
                    size="sm"
                    disabled={d.status === "pending"}
                    busy={resend.isPending && resend.variables?.deliveryId === d.id}
                    onClick={() => resend.mutate({ projectId, deliveryId: d.id })}
                  >
                    Resend
                  </Button>
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
      <LoadMore query={log} />
    </Card>
  );
}
