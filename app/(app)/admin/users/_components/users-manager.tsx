"use client";
/**
 * Accounts: create one, disable or enable it, reset its password. Disabling
 * and resetting both end the user's sessions, so each asks first (the app's
 * dialog); a reset's new password is shown once, like a new account's.
 */
import { useState } from "react";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/app/_lib/trpc/client";
import type { RouterOutputs } from "@/app/_lib/trpc/types";
import { errorMessage } from "@/app/_lib/errors";
import { useDebounced } from "@/app/_lib/use-debounced";
import { ErrorAlert } from "@/app/_components/ui/alert";
import { Badge } from "@/app/_components/ui/badge";
import { Button } from "@/app/_components/ui/button";
import { Card, CardHeader } from "@/app/_components/ui/card";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { Input } from "@/app/_components/ui/form";
import { ConfirmDialog } from "@/app/_components/ui/confirm-dialog";
import { TBody, THead, Table, Td, Th, Tr } from "@/app/_components/ui/table";
import { useToast } from "@/app/_components/ui/toast";
import { LoadMore } from "@/app/_components/ui/load-more";
import { CreateUserForm } from "./create-user-form";
import { OneTimePassword, type IssuedPassword } from "./one-time-password";

type UsersPage = RouterOutputs["users"]["list"];
type UserRow = UsersPage["users"][number];
type Pending = { kind: "disable" | "reset"; user: UserRow };
const PAGE_SIZE = 100;
const dateFmt = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" }); // same text on server and client

export function UsersManager({ currentUserId, initialPage }: { currentUserId: number; initialPage: UsersPage }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [search, setSearch] = useState("");
  const settledSearch = useDebounced(search.trim());
  const input = { limit: PAGE_SIZE, ...(settledSearch ? { search: settledSearch } : {}) };
  const users = useInfiniteQuery(
    trpc.users.list.infiniteQueryOptions(input, {
      getNextPageParam: (last) => last.nextCursor ?? undefined,
      ...(input.search ? {} : { initialData: { pages: [initialPage], pageParams: [null] } }),
    }),
  );
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.users.list.pathKey() });
  const [pending, setPending] = useState<Pending | null>(null);
  const [issued, setIssued] = useState<IssuedPassword | null>(null);
  const setDisabled = useMutation(
    trpc.users.setDisabled.mutationOptions({
      onSuccess: (u) => {
        setPending(null);
        toast({ tone: "ok", title: u.disabledAt ? `${u.name} disabled` : `${u.name} enabled` });
        return refresh();
      },
      // A refused disable shows in its dialog; a refused enable has no dialog to show it in.
      onError: (err, v) =>
        v.disabled
          ? undefined
          : toast({ tone: "danger", title: "Could not change the account", description: errorMessage(err) }),
    }),
  );
  const resetPassword = useMutation(
    trpc.users.resetPassword.mutationOptions({
      onSuccess: (r) => {
        const user = pending?.user;
        setPending(null);
        if (r.generatedPassword)
          setIssued({ title: `New password for ${user?.email ?? "the account"}`, password: r.generatedPassword });
      },
    }),
  );
  const open = (kind: Pending["kind"], user: UserRow) => {
    setDisabled.reset();
    resetPassword.reset();
    setPending({ kind, user });
  };
  const confirmPending = () => {
    if (!pending) return;
    if (pending.kind === "disable") setDisabled.mutate({ userId: pending.user.id, disabled: true });
    else resetPassword.mutate({ userId: pending.user.id });
  };
  const pendingError = pending?.kind === "disable" ? setDisabled.error : resetPassword.error;

  const rows = users.data?.pages.flatMap((p) => p.users) ?? [];
  return (
    <div className="space-y-4">
      <CreateUserForm onCreated={refresh} />
      {issued ? <OneTimePassword issued={issued} onDone={() => setIssued(null)} /> : null}
      <Card>
        <CardHeader
          title="Accounts"
          actions={
            <>
              <label htmlFor="user-search" className="sr-only">
                Search users
              </label>
              <Input
                id="user-search"
                type="search"
                placeholder="Search name or email…"
                className="w-60"
                value={search}
                maxLength={200}
                onChange={(e) => setSearch(e.target.value)}
              />
            </>
          }
        />
        {users.isError ? <ErrorAlert error={users.error} className="m-4" /> : null}
        {rows.length === 0 && !users.isFetching ? (
          <EmptyState className="m-4" title="No accounts match" />
        ) : (
          <Table caption="User accounts">
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>Email</Th>
                <Th className="w-40">Status</Th>
                <Th className="w-32">Created</Th>
                <Th className="w-56">
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </THead>
            <TBody>
              {rows.map((u) => (
                <Tr key={u.id}>
                  <Td className="font-medium">
                    {u.name}
                    {u.id === currentUserId ? (
                      <span className="ml-1.5 text-xs font-normal text-muted">(you)</span>
                    ) : null}
                  </Td>
                  <Td className="text-muted">{u.email}</Td>
                  <Td>
                    <span className="flex gap-1.5">
                      {u.isAdmin ? <Badge tone="accent">Admin</Badge> : null}
                      {u.disabledAt ? <Badge tone="danger">Disabled</Badge> : <Badge tone="ok">Active</Badge>}
                    </span>
                  </Td>
                  <Td className="text-muted tabular-nums">{dateFmt.format(u.createdAt)}</Td>
                  <Td className="text-right">
                    {u.id === currentUserId ? null : (
                      <span className="flex justify-end gap-1.5">
                        <Button size="sm" onClick={() => open("reset", u)}>
                          Reset password
                        </Button>
                        <Button
                          size="sm"
                          variant={u.disabledAt ? "secondary" : "danger"}
                          busy={setDisabled.isPending && setDisabled.variables?.userId === u.id}
                          onClick={() =>
                            u.disabledAt ? setDisabled.mutate({ userId: u.id, disabled: false }) : open("disable", u)
                          }
                        >
                          {u.disabledAt ? "Enable" : "Disable"}
                        </Button>
                      </span>
                    )}
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
        <LoadMore query={users} />
      </Card>
      <ConfirmDialog
        open={pending !== null}
        title={pending?.kind === "reset" ? `Reset ${pending.user.name}'s password?` : `Disable ${pending?.user.name}?`}
        confirmLabel={pending?.kind === "reset" ? "Reset password" : "Disable"}
        confirmVariant="danger"
        busy={setDisabled.isPending || resetPassword.isPending}
        error={pendingError ? errorMessage(pendingError) : undefined}
        onConfirm={confirmPending}
        onCancel={() => setPending(null)}
      >
        {pending?.kind === "reset" ? (
          <p>
            A new one-time password replaces the current one and is shown once. {pending.user.name} is logged out
            everywhere at once.
          </p>
        ) : (
          <p>They are logged out everywhere at once and cannot log in until an administrator enables the account.</p>
        )}
      </ConfirmDialog>
    </div>
  );
}
