"use client";
/**
 * The caller's API tokens (everyone's, for instance admins who ask): create one
 * (shown once, with a copy button), see when each was last used, revoke one
 * (asks first: whatever uses it stops at once).
 */
import { useState } from "react";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/app/_lib/trpc/client";
import type { RouterOutputs } from "@/app/_lib/trpc/types";
import { errorMessage } from "@/app/_lib/errors";
import { ErrorAlert } from "@/app/_components/ui/alert";
import { Badge } from "@/app/_components/ui/badge";
import { Button } from "@/app/_components/ui/button";
import { Card, CardHeader } from "@/app/_components/ui/card";
import { ConfirmDialog } from "@/app/_components/ui/confirm-dialog";
import { OneTimeSecret } from "@/app/_components/ui/one-time-secret";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { LoadMore } from "@/app/_components/ui/load-more";
import { TBody, THead, Table, Td, Th, Tr } from "@/app/_components/ui/table";
import { useToast } from "@/app/_components/ui/toast";
import { CreateTokenForm, type IssuedToken } from "./create-token-form";

type TokensPage = RouterOutputs["tokens"]["list"];
type TokenRow = TokensPage["tokens"][number];
const PAGE_SIZE = 100;
const dateFmt = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const when = (d: Date | null) => (d ? `${dateFmt.format(d)} UTC` : "—");

export function TokensManager({
  isAdmin,
  projects,
  initialPage,
}: {
  isAdmin: boolean;
  projects: { id: number; name: string }[];
  initialPage: TokensPage;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [all, setAll] = useState(false);
  const [issued, setIssued] = useState<IssuedToken | null>(null);
  const [pending, setPending] = useState<TokenRow | null>(null);
  const tokens = useInfiniteQuery(
    trpc.tokens.list.infiniteQueryOptions(
      { limit: PAGE_SIZE, all },
      {
        getNextPageParam: (last) => last.nextCursor ?? undefined,
        ...(all ? {} : { initialData: { pages: [initialPage], pageParams: [null] } }),
      },
    ),
  );
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.tokens.list.pathKey() });
  const revoke = useMutation(
    trpc.tokens.revoke.mutationOptions({
      onSuccess: () => {
        toast({ tone: "ok", title: `Token “${pending?.name ?? ""}” revoked` });
        setPending(null);
        return refresh();
      },
    }),
  );
  const projectName = (id: number) => projects.find((p) => p.id === id)?.name ?? `project ${id}`;
  const rows = tokens.data?.pages.flatMap((p) => p.tokens) ?? [];
  return (
    <div className="space-y-4">
      <CreateTokenForm
        projects={projects}
        onCreated={async (t) => {
          setIssued(t);
          await refresh();
        }}
      />
      {issued ? <OneTimeToken issued={issued} onDone={() => setIssued(null)} /> : null}
      <Card>
        <CardHeader
          title={all ? "Everyone's tokens" : "Your tokens"}
          actions={
            isAdmin ? (
              <label className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  className="size-4 accent-accent"
                  checked={all}
                  onChange={(e) => setAll(e.target.checked)}
                />
                Show everyone&apos;s tokens
              </label>
            ) : null
          }
        />
        {tokens.isError ? <ErrorAlert error={tokens.error} className="m-4" /> : null}
        {rows.length === 0 && !tokens.isFetching ? (
          <EmptyState className="m-4" title="No tokens yet" />
        ) : (
          <Table caption="API tokens">
            <THead>
              <tr>
                <Th>Name</Th>
                {all ? <Th>Owner</Th> : null}
                <Th>Token</Th>
                <Th>Scopes</Th>
                <Th>Projects</Th>
                <Th>Last used</Th>
                <Th>Expires</Th>
                <Th className="w-28">
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </THead>
            <TBody>
              {rows.map((t) => (
                <Tr key={t.id}>
                  <Td className="font-medium">{t.name}</Td>
                  {all ? <Td className="text-muted">{t.ownerEmail}</Td> : null}
                  <Td className="font-mono text-xs text-muted">{t.prefix}…</Td>
                  <Td>{t.scopes.join(", ")}</Td>
                  <Td className="text-muted">{t.projectIds ? t.projectIds.map(projectName).join(", ") : "All"}</Td>
                  <Td className="text-muted tabular-nums">{when(t.lastUsedAt)}</Td>
                  <Td className="text-muted tabular-nums">{t.expiresAt ? when(t.expiresAt) : "Never"}</Td>
                  <Td className="text-right">
                    {t.revokedAt ? (
                      <Badge tone="danger">Revoked</Badge>
                    ) : (
                      <Button
                        size="sm"
                        variant="danger"
                        onClick={() => {
                          revoke.reset();
                          setPending(t);
                        }}
                      >
                        Revoke
                      </Button>
                    )}
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
        <LoadMore query={tokens} />
      </Card>
      <ConfirmDialog
        open={pending !== null}
        title={`Revoke “${pending?.name ?? ""}”?`}
        confirmLabel="Revoke"
        confirmVariant="danger"
        busy={revoke.isPending}
        error={revoke.error ? errorMessage(revoke.error) : undefined}
        onConfirm={() => pending && revoke.mutate({ tokenId: pending.id })}
        onCancel={() => setPending(null)}
      >
        <p>Everything that uses this token is refused from now on. This cannot be undone.</p>
      </ConfirmDialog>
    </div>
  );
}

function OneTimeToken({ issued, onDone }: { issued: IssuedToken; onDone: () => void }) {
  return (
    <OneTimeSecret
      className="w-full"
      title={`Token “${issued.name}” created`}
      secret={issued.token}
      copyLabel="Copy token"
      testId="new-token"
      onDone={onDone}
    >
      Shown only now; Loupe keeps only a hash of it:
    </OneTimeSecret>
  );
}
