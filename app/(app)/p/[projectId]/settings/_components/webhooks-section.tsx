"use client";
/**
 * Webhooks (project admins): the subscriptions, a form for a new one (URL and events;
 * the signing secret is shown once, right after), and the delivery log below.
 */
import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { WEBHOOK_EVENTS, type WebhookEvent } from "@/lib/constants";
import { useTRPC } from "@/app/_lib/trpc/client";
import { errorMessage } from "@/app/_lib/errors";
import { ErrorAlert } from "@/app/_components/ui/alert";
import { Badge } from "@/app/_components/ui/badge";
import { Button } from "@/app/_components/ui/button";
import { Card, CardHeader } from "@/app/_components/ui/card";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { OneTimeSecret } from "@/app/_components/ui/one-time-secret";
import { Field, Input } from "@/app/_components/ui/form";
import { TBody, THead, Table, Td, Th, Tr } from "@/app/_components/ui/table";
import { useToast } from "@/app/_components/ui/toast";
import { WebhookDeliveries } from "./webhook-deliveries";

const EVENT_HINT: Record<WebhookEvent, string> = {
  "labels.changed": "at most once a minute: how many labels changed, with since/until cursors for the pull API",
  "model.activated": "a model version became active",
  "model.rolled_back": "a rollback made an earlier version active",
  "audit.failed": "audits showed auto-accepts under the target: thresholds raised, auto labels back to review",
  "import.finished": "an import succeeded or was refused",
  "training.failed": "a training run failed",
};

type Issued = { url: string; secret: string };

export function WebhooksSection({ projectId }: { projectId: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [issued, setIssued] = useState<Issued | null>(null);
  const hooks = useQuery(trpc.webhooks.list.queryOptions({ projectId }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.pathKey() });
  const update = useMutation(
    trpc.webhooks.update.mutationOptions({
      onSuccess: () => refresh(),
      onError: (err) =>
        toast({ tone: "danger", title: "Could not change the webhook", description: errorMessage(err) }),
    }),
  );
  const remove = useMutation(
    trpc.webhooks.delete.mutationOptions({
      onSuccess: () => {
        toast({ tone: "ok", title: "Webhook deleted" });
        return refresh();
      },
      onError: (err) =>
        toast({ tone: "danger", title: "Could not delete the webhook", description: errorMessage(err) }),
    }),
  );
  const rows = hooks.data ?? [];
  return (
    <section className="mt-8 space-y-4" aria-labelledby="webhooks-heading">
      <div>
        <h2 id="webhooks-heading" className="text-base font-semibold">
          Webhooks
        </h2>
        <p className="text-sm text-muted">
          Loupe posts events to these URLs, signed with the Standard Webhooks scheme (headers webhook-id,
          webhook-timestamp, webhook-signature), retrying failed deliveries with backoff.
        </p>
      </div>
      <CreateWebhookForm
        projectId={projectId}
        onCreated={async (i) => {
          setIssued(i);
          await refresh();
        }}
      />
      {issued ? <WebhookSecret issued={issued} onDone={() => setIssued(null)} /> : null}
      <Card>
        <CardHeader title="Subscriptions" description={`${rows.length} webhook${rows.length === 1 ? "" : "s"}`} />
        {hooks.isError ? <ErrorAlert error={hooks.error} className="m-4" /> : null}
        {rows.length === 0 ? (
          <EmptyState className="m-4" title="No webhooks yet">
            Add a URL above to have Loupe call it when labels change, models switch or runs fail.
          </EmptyState>
        ) : (
          <Table caption="Webhooks">
            <THead>
              <tr>
                <Th>URL</Th>
                <Th>Events</Th>
                <Th className="w-24">State</Th>
                <Th className="w-44">
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </THead>
            <TBody>
              {rows.map((w) => (
                <Tr key={w.id}>
                  <Td className="font-mono text-xs break-all">{w.url}</Td>
                  <Td>
                    <span className="flex flex-wrap gap-1">
                      {w.events.map((e) => (
                        <Badge key={e}>{e}</Badge>
                      ))}
                    </span>
                  </Td>
                  <Td>{w.active ? <Badge tone="ok">Active</Badge> : <Badge tone="warn">Paused</Badge>}</Td>
                  <Td className="space-x-2 text-right whitespace-nowrap">
                    <Button
                      size="sm"
                      busy={update.isPending && update.variables?.webhookId === w.id}
                      onClick={() => update.mutate({ projectId, webhookId: w.id, active: !w.active })}
                    >
                      {w.active ? "Pause" : "Resume"}
                    </Button>
                    <Button
                      size="sm"
                      variant="danger"
                      busy={remove.isPending && remove.variables?.webhookId === w.id}
                      onClick={() => {
                        if (window.confirm(`Delete the webhook to ${w.url}? Nothing more is sent to it.`))
                          remove.mutate({ projectId, webhookId: w.id });
                      }}
                    >
                      Delete
                    </Button>
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
      </Card>
      <WebhookDeliveries projectId={projectId} urls={new Map(rows.map((w) => [w.id, w.url]))} />
    </section>
  );
}

function CreateWebhookForm({ projectId, onCreated }: { projectId: number; onCreated: (i: Issued) => Promise<void> }) {
  const trpc = useTRPC();
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<WebhookEvent[]>(["labels.changed"]);
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: (r) => {
        setUrl("");
        return onCreated({ url: r.url, secret: r.secret });
      },
    }),
  );
  const toggle = (e: WebhookEvent, on: boolean) =>
    setEvents((prev) => (on ? [...prev, e] : prev.filter((x) => x !== e)));
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    create.mutate({ projectId, url, events });
  }
  return (
    <Card>
      <CardHeader title="New webhook" description="Its signing secret is shown once, right after you add it." />
      <form onSubmit={onSubmit} className="space-y-3 px-4 py-3">
        <Field id="webhook-url" label="Receiver URL" className="max-w-xl">
          <Input
            id="webhook-url"
            type="url"
            autoComplete="off"
            required
            placeholder="https://pim.example.org/hooks/loupe"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
        </Field>
        <fieldset className="grid gap-1.5 text-sm sm:grid-cols-2">
          <legend className="mb-1 text-xs font-medium text-muted">Events</legend>
          {WEBHOOK_EVENTS.map((ev) => (
            <label key={ev} className="flex items-start gap-2">
              <input
                type="checkbox"
                className="mt-0.5 size-4 accent-accent"
                checked={events.includes(ev)}
                onChange={(e) => toggle(ev, e.target.checked)}
              />
              <span>
                <span className="font-mono text-xs">{ev}</span>
                <span className="block text-xs text-muted">{EVENT_HINT[ev]}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <Button type="submit" variant="primary" busy={create.isPending} disabled={!url.trim() || events.length === 0}>
          Add webhook
        </Button>
        {create.isError ? <ErrorAlert error={create.error} /> : null}
      </form>
    </Card>
  );
}

function WebhookSecret({ issued, onDone }: { issued: Issued; onDone: () => void }) {
  return (
    <OneTimeSecret
      title={`Webhook to ${issued.url} added`}
      secret={issued.secret}
      copyLabel="Copy secret"
      testId="webhook-secret"
      onDone={onDone}
    >
      Its signing secret, shown only now (verify deliveries with any Standard Webhooks library):
    </OneTimeSecret>
  );
}
