"use client";
import { useState } from "react";
import { usePathname, useRouter } from "next/navigation";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useTRPC } from "@/app/_lib/trpc/client";
import type { RouterOutputs } from "@/app/_lib/trpc/types";
import { ErrorAlert } from "@/app/_components/ui/alert";
import { Badge } from "@/app/_components/ui/badge";
import { Button } from "@/app/_components/ui/button";
import { Card, CardHeader } from "@/app/_components/ui/card";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { Field, Input, Select } from "@/app/_components/ui/form";
import { TBody, THead, Table, Td, Th, Tr } from "@/app/_components/ui/table";
import { diffLines, diffText } from "../_lib/diff";
import { auditFiltersToInput, auditFiltersToQuery, type AuditFilters } from "../_lib/filters";
import { LoadMore } from "@/app/_components/ui/load-more";
import { formatWhen } from "../_lib/when";

type AuditPage = RouterOutputs["audit"]["list"];
type Facets = RouterOutputs["audit"]["facets"];
const PAGE_SIZE = 50;

export function AuditLog({
  projectId,
  facets,
  initialFilters,
  initialPage,
}: {
  projectId: number;
  facets: Facets;
  initialFilters: AuditFilters;
  initialPage: AuditPage;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const [filters, setFilters] = useState<AuditFilters>(initialFilters);
  const key = auditFiltersToQuery(filters);
  const isInitial = key === auditFiltersToQuery(initialFilters);
  const list = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { projectId, limit: PAGE_SIZE, ...auditFiltersToInput(filters) },
      {
        getNextPageParam: (last) => last.nextCursor ?? undefined,
        ...(isInitial ? { initialData: { pages: [initialPage], pageParams: [null] } } : {}),
      },
    ),
  );

  function update(next: AuditFilters) {
    setFilters(next);
    router.replace(`${pathname}${auditFiltersToQuery(next)}`, { scroll: false });
  }
  const set = <K extends keyof AuditFilters>(k: K, v: AuditFilters[K] | "") => {
    const { [k]: _old, ...rest } = filters;
    update(v === "" || v === undefined ? rest : { ...rest, [k]: v });
  };

  const rows = list.data?.pages.flatMap((p) => p.events) ?? [];
  const filtered = key !== "";
  return (
    <Card>
      <CardHeader
        title="Events"
        description="Newest first. Times in UTC."
        actions={
          filtered ? (
            <Button size="sm" variant="ghost" onClick={() => update({})}>
              Clear filters
            </Button>
          ) : null
        }
      />
      <form
        className="flex flex-wrap items-end gap-3 border-b border-line px-4 py-3"
        aria-label="Filter events"
        onSubmit={(e) => e.preventDefault()}
      >
        <Field id="audit-action" label="Action" className="w-52">
          <Select id="audit-action" value={filters.action ?? ""} onChange={(e) => set("action", e.target.value)}>
            <option value="">All actions</option>
            {withCurrent(facets.actions, filters.action).map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </Select>
        </Field>
        <Field id="audit-actor" label="Actor" className="w-48">
          <Select
            id="audit-actor"
            value={filters.actor ? String(filters.actor) : ""}
            onChange={(e) => set("actor", e.target.value ? Number(e.target.value) : "")}
          >
            <option value="">Everyone</option>
            {facets.actors.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </Select>
        </Field>
        <Field id="audit-entity" label="Entity type" className="w-44">
          <Select id="audit-entity" value={filters.entity ?? ""} onChange={(e) => set("entity", e.target.value)}>
            <option value="">All types</option>
            {withCurrent(facets.entityTypes, filters.entity).map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </Select>
        </Field>
        <Field id="audit-from" label="From" className="w-40">
          <Input id="audit-from" type="date" value={filters.from ?? ""} onChange={(e) => set("from", e.target.value)} />
        </Field>
        <Field id="audit-to" label="To" className="w-40">
          <Input id="audit-to" type="date" value={filters.to ?? ""} onChange={(e) => set("to", e.target.value)} />
        </Field>
      </form>
      {list.isError ? <ErrorAlert error={list.error} className="m-4" /> : null}
      {rows.length === 0 && !list.isFetching ? (
        <EmptyState className="m-4" title={filtered ? "No events match these filters" : "No events yet"}>
          {filtered
            ? "Try a wider date range or clear the filters."
            : "Imports, exports, role changes, training runs and activations will appear here."}
        </EmptyState>
      ) : (
        <Table
          caption="Audit events"
          className={list.isFetching && !list.isFetchingNextPage ? "opacity-60" : undefined}
        >
          <THead>
            <tr>
              <Th className="w-44">Time</Th>
              <Th className="w-36">Actor</Th>
              <Th className="w-44">Action</Th>
              <Th className="w-40">Entity</Th>
              <Th>Change</Th>
            </tr>
          </THead>
          <TBody>
            {rows.map((e) => (
              <Tr key={e.id}>
                <Td className="align-top whitespace-nowrap text-muted tabular-nums">
                  {formatWhen(new Date(e.createdAt))}
                </Td>
                <Td className="max-w-36 truncate align-top" title={e.actorName ?? undefined}>
                  {e.actorName ?? <span className="text-muted">System</span>}
                </Td>
                <Td className="align-top">
                  <Badge tone="neutral" className="font-mono">
                    {e.action}
                  </Badge>
                </Td>
                <Td className="align-top whitespace-nowrap">
                  {e.entityType}
                  {e.entityId ? <span className="text-muted"> #{e.entityId}</span> : null}
                </Td>
                <Td className="align-top">
                  <ChangeText before={e.before} after={e.after} />
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      )}
      <LoadMore query={list} />
    </Card>
  );
}

/** A filter value from the URL that is not among the facets (yet) stays selectable. */
function withCurrent(values: string[], current: string | undefined): string[] {
  return current && !values.includes(current) ? [current, ...values] : values;
}

function ChangeText({ before, after }: { before: unknown; after: unknown }) {
  const lines = diffLines(before, after);
  if (lines.length === 0) return <span className="text-faint">–</span>;
  return (
    <ul className="space-y-0.5 font-mono text-xs break-all text-ink">
      {lines.map((l, i) => (
        <li key={`${l.key ?? ""}-${i}`}>{diffText(l)}</li>
      ))}
    </ul>
  );
}
