"use client";
import { Fragment, useState } from "react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useTRPC } from "@/app/_lib/trpc/client";
import type { RouterOutputs } from "@/app/_lib/trpc/types";
import { ErrorAlert } from "@/app/_components/ui/alert";
import { Badge } from "@/app/_components/ui/badge";
import { Button } from "@/app/_components/ui/button";
import { Card, CardHeader } from "@/app/_components/ui/card";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { formatCount } from "@/app/_components/ui/stat";
import { TBody, THead, Table, Td, Th, Tr } from "@/app/_components/ui/table";
import { RowErrorTable } from "./row-error-table";
import { LoadMore } from "@/app/_components/ui/load-more";

type ImportsPage = RouterOutputs["data"]["imports"];
const PAGE_SIZE = 20;
const WHEN = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export function ImportHistory({ projectId, initialPage }: { projectId: number; initialPage: ImportsPage }) {
  const trpc = useTRPC();
  const list = useInfiniteQuery(
    trpc.data.imports.infiniteQueryOptions(
      { projectId, limit: PAGE_SIZE },
      {
        getNextPageParam: (last) => last.nextCursor ?? undefined,
        initialData: { pages: [initialPage], pageParams: [null] },
      },
    ),
  );
  const [open, setOpen] = useState<number | null>(null);
  const rows = list.data?.pages.flatMap((p) => p.imports) ?? [];
  return (
    <Card>
      <CardHeader title="Import history" description="Every upload, including refused ones (with why). Times in UTC." />
      {list.isError ? <ErrorAlert error={list.error} className="m-4" /> : null}
      {rows.length === 0 ? (
        <EmptyState className="m-4" title="No imports yet">
          Upload a CSV or JSONL file above, or use <code className="font-mono text-xs">npm run import</code>.
        </EmptyState>
      ) : (
        <Table caption="Import history" className="text-sm">
          <THead>
            <tr>
              <Th>When</Th>
              <Th>File</Th>
              <Th>Status</Th>
              <Th className="text-right">Rows</Th>
              <Th className="text-right">Created</Th>
              <Th className="text-right">Updated</Th>
              <Th className="text-right">Labels</Th>
              <Th className="text-right">New categories</Th>
            </tr>
          </THead>
          <TBody>
            {rows.map((r) => {
              const errors = r.errors ?? [];
              return (
                <Fragment key={r.id}>
                  <Tr>
                    <Td className="whitespace-nowrap text-muted">{WHEN.format(new Date(r.createdAt))}</Td>
                    <Td className="max-w-64 truncate font-medium" title={r.filename}>
                      {r.filename} <span className="text-xs font-normal text-muted uppercase">{r.format}</span>
                    </Td>
                    <Td>
                      {r.status === "succeeded" ? (
                        <Badge tone="ok">Imported</Badge>
                      ) : (
                        <span className="inline-flex items-center gap-2">
                          <Badge tone="danger">Refused</Badge>
                          {errors.length > 0 ? (
                            <Button
                              size="sm"
                              variant="ghost"
                              aria-expanded={open === r.id}
                              onClick={() => setOpen(open === r.id ? null : r.id)}
                            >
                              {open === r.id ? "Hide" : "Why"}
                            </Button>
                          ) : null}
                        </span>
                      )}
                    </Td>
                    <Td className="text-right tabular-nums">
                      {r.status === "succeeded" ? formatCount(r.rowCount) : "–"}
                    </Td>
                    <Td className="text-right tabular-nums">{formatCount(r.created)}</Td>
                    <Td className="text-right tabular-nums">{formatCount(r.updated)}</Td>
                    <Td className="text-right tabular-nums">{formatCount(r.labelCount)}</Td>
                    <Td className="text-right tabular-nums">{formatCount(r.categoriesCreated)}</Td>
                  </Tr>
                  {open === r.id ? (
                    <tr>
                      <td colSpan={8} className="bg-canvas/60 px-3 py-2">
                        <RowErrorTable errors={errors} totalErrors={errors.length} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })}
          </TBody>
        </Table>
      )}
      <LoadMore query={list} />
    </Card>
  );
}
