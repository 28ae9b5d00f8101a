"use client";
import { useState, type FormEvent } from "react";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/app/_lib/trpc/client";
import type { RouterOutputs } from "@/app/_lib/trpc/types";
import { errorMessage } from "@/app/_lib/errors";
import { useDebounced } from "@/app/_lib/use-debounced";
import { Alert, ErrorAlert } from "@/app/_components/ui/alert";
import { Badge } from "@/app/_components/ui/badge";
import { Button } from "@/app/_components/ui/button";
import { Card, CardHeader } from "@/app/_components/ui/card";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { Field, Input } from "@/app/_components/ui/form";
import { TBody, THead, Table, Td, Th, Tr } from "@/app/_components/ui/table";
import { useToast } from "@/app/_components/ui/toast";
import { LoadMore } from "@/app/_components/ui/load-more";

type UsersPage = RouterOutputs["users"]["list"];
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
  const setDisabled = useMutation(
    trpc.users.setDisabled.mutationOptions({
      onSuccess: (u) => {
        toast({ tone: "ok", title: u.disabledAt ? `${u.name} disabled` : `${u.name} enabled` });
        return refresh();
      },
      onError: (err) =>
        toast({ tone: "danger", title: "Could not change the account", description: errorMessage(err) }),
    }),
  );

  const rows = users.data?.pages.flatMap((p) => p.users) ?? [];
  return (
    <div className="space-y-4">
      <CreateUserForm onCreated={refresh} />
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
                <Th className="w-24">
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
                      <Button
                        size="sm"
                        variant={u.disabledAt ? "secondary" : "danger"}
                        busy={setDisabled.isPending && setDisabled.variables?.userId === u.id}
                        onClick={() => {
                          const disable = !u.disabledAt;
                          if (
                            !disable ||
                            window.confirm(`Disable ${u.name}? They are logged out everywhere at once.`)
                          ) {
                            setDisabled.mutate({ userId: u.id, disabled: disable });
                          }
                        }}
                      >
                        {u.disabledAt ? "Enable" : "Disable"}
                      </Button>
                    )}
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
        <LoadMore query={users} />
      </Card>
    </div>
  );
}

function CreateUserForm({ onCreated }: { onCreated: () => Promise<void> }) {
  const trpc = useTRPC();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [isAdmin, setIsAdmin] = useState(false);
  const [issued, setIssued] = useState<{ email: string; password: string } | null>(null);
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: (r) => {
        setIssued(r.generatedPassword ? { email: r.user.email, password: r.generatedPassword } : null);
        setEmail("");
        setName("");
        setPassword("");
        setIsAdmin(false);
        return onCreated();
      },
    }),
  );
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    create.mutate({ email, name, isAdmin, ...(password ? { password } : {}) });
  }
  return (
    <Card>
      <CardHeader title="New account" description="Leave the password empty to generate one; it is shown once." />
      <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3 px-4 py-3">
        <Field id="new-user-name" label="Name" className="w-52">
          <Input
            id="new-user-name"
            autoComplete="off"
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <Field id="new-user-email" label="Email" className="w-64">
          <Input
            id="new-user-email"
            type="email"
            autoComplete="off"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </Field>
        <Field id="new-user-password" label="Password (optional)" className="w-52">
          <Input
            id="new-user-password"
            type="password"
            autoComplete="new-password"
            minLength={12}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <label className="flex h-8 items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={isAdmin}
            onChange={(e) => setIsAdmin(e.target.checked)}
            className="size-4 accent-accent"
          />
          Instance administrator
        </label>
        <Button type="submit" variant="primary" busy={create.isPending} disabled={!email || !name}>
          Create account
        </Button>
        {create.isError ? <ErrorAlert error={create.error} className="w-full" /> : null}
        {issued ? (
          <Alert
            tone="ok"
            className="w-full"
            title={`Account created for ${issued.email}`}
            action={
              <Button size="sm" onClick={() => setIssued(null)}>
                Done
              </Button>
            }
          >
            Generated password (shown only now):{" "}
            <code
              className="rounded bg-surface px-1.5 py-0.5 font-mono text-ink select-all"
              data-testid="generated-password"
            >
              {issued.password}
            </code>
          </Alert>
        ) : null}
      </form>
    </Card>
  );
}
