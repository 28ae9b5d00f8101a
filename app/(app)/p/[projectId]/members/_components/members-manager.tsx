"use client";
import { useState, type FormEvent } from "react";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { ROLES, type Role } from "@/lib/constants";
import { useTRPC } from "@/app/_lib/trpc/client";
import type { RouterOutputs } from "@/app/_lib/trpc/types";
import { errorMessage } from "@/app/_lib/errors";
import { ErrorAlert } from "@/app/_components/ui/alert";
import { Badge, ROLE_LABEL } from "@/app/_components/ui/badge";
import { Button } from "@/app/_components/ui/button";
import { Card, CardHeader } from "@/app/_components/ui/card";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { Field, Input, Select } from "@/app/_components/ui/form";
import { TBody, THead, Table, Td, Th, Tr } from "@/app/_components/ui/table";
import { useToast } from "@/app/_components/ui/toast";
import { LoadMore } from "@/app/_components/ui/load-more";

type MembersPage = RouterOutputs["members"]["list"];
const PAGE_SIZE = 100;

export function MembersManager({ projectId, initialPage }: { projectId: number; initialPage: MembersPage }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const listOptions = trpc.members.list.infiniteQueryOptions(
    { projectId, limit: PAGE_SIZE },
    {
      getNextPageParam: (last) => last.nextCursor ?? undefined,
      initialData: { pages: [initialPage], pageParams: [null] },
    },
  );
  const members = useInfiniteQuery(listOptions);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.members.list.pathKey() });

  const setRole = useMutation(
    trpc.members.set.mutationOptions({
      onSuccess: (r) => {
        if (r.changed) toast({ tone: "ok", title: `Role set to ${ROLE_LABEL[r.role]}` });
        return refresh();
      },
      onError: (err) => toast({ tone: "danger", title: "Could not change the role", description: errorMessage(err) }),
    }),
  );
  const remove = useMutation(
    trpc.members.remove.mutationOptions({
      onSuccess: () => {
        toast({ tone: "ok", title: "Member removed" });
        return refresh();
      },
      onError: (err) => toast({ tone: "danger", title: "Could not remove the member", description: errorMessage(err) }),
    }),
  );

  const rows = members.data?.pages.flatMap((p) => p.members) ?? [];
  return (
    <div className="space-y-4">
      <AddMemberForm projectId={projectId} onAdded={refresh} />
      <Card>
        <CardHeader
          title="Members"
          description={`${rows.length}${members.hasNextPage ? "+" : ""} ${rows.length === 1 ? "person" : "people"}`}
        />
        {members.isError ? <ErrorAlert error={members.error} className="m-4" /> : null}
        {rows.length === 0 ? (
          <EmptyState className="m-4" title="No members yet">
            Add people by email above. Instance administrators can open every project without being members.
          </EmptyState>
        ) : (
          <Table caption="Project members">
            <THead>
              <tr>
                <Th>Name</Th>
                <Th>Email</Th>
                <Th className="w-44">Role</Th>
                <Th className="w-24">
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </THead>
            <TBody>
              {rows.map((m) => (
                <Tr key={m.userId}>
                  <Td className="font-medium">
                    {m.name}
                    {m.disabled ? (
                      <Badge tone="danger" className="ml-2">
                        Disabled
                      </Badge>
                    ) : null}
                  </Td>
                  <Td className="text-muted">{m.email}</Td>
                  <Td>
                    <label className="sr-only" htmlFor={`role-${m.userId}`}>
                      Role of {m.name}
                    </label>
                    <Select
                      id={`role-${m.userId}`}
                      value={m.role}
                      disabled={setRole.isPending}
                      onChange={(e) => setRole.mutate({ projectId, userId: m.userId, role: e.target.value as Role })}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {ROLE_LABEL[r]}
                        </option>
                      ))}
                    </Select>
                  </Td>
                  <Td className="text-right">
                    <Button
                      size="sm"
                      variant="danger"
                      busy={remove.isPending && remove.variables?.userId === m.userId}
                      onClick={() => {
                        if (window.confirm(`Remove ${m.name} from this project?`))
                          remove.mutate({ projectId, userId: m.userId });
                      }}
                    >
                      Remove
                    </Button>
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        )}
        <LoadMore query={members} />
      </Card>
    </div>
  );
}

function AddMemberForm({ projectId, onAdded }: { projectId: number; onAdded: () => Promise<void> }) {
  const trpc = useTRPC();
  const toast = useToast();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("annotator");
  const add = useMutation(
    trpc.members.set.mutationOptions({
      onSuccess: () => {
        toast({ tone: "ok", title: `${email} added as ${ROLE_LABEL[role]}` });
        setEmail("");
        return onAdded();
      },
    }),
  );
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    add.mutate({ projectId, email, role });
  }
  return (
    <Card>
      <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3 px-4 py-3">
        <Field id="member-email" label="Add by email" className="w-72">
          <Input
            id="member-email"
            type="email"
            autoComplete="off"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            placeholder="name@example.org"
          />
        </Field>
        <Field id="member-role" label="Role" className="w-44">
          <Select id="member-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABEL[r]}
              </option>
            ))}
          </Select>
        </Field>
        <Button type="submit" variant="primary" busy={add.isPending} disabled={!email}>
          Add member
        </Button>
        {add.isError ? <ErrorAlert error={add.error} className="w-full" /> : null}
      </form>
    </Card>
  );
}
