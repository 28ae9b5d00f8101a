"use client";
/**
 * The taxonomy: add a category, rename one (everything under its path goes
 * along), remove one (soft: labels keep it) and restore a removed one. Every
 * change is the server's (categories.*: validation, clashes, audit events);
 * the page reloads its list afterwards.
 */
import { useMemo, useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { ErrorAlert } from "@/app/_components/ui/alert";
import { Button } from "@/app/_components/ui/button";
import { Card, CardBody, CardHeader } from "@/app/_components/ui/card";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { Input } from "@/app/_components/ui/form";
import { formatCount } from "@/app/_components/ui/stat";
import { Table, TBody, Td, Th, THead, Tr } from "@/app/_components/ui/table";
import { useToast } from "@/app/_components/ui/toast";
import { useTRPC } from "@/app/_lib/trpc/client";
import type { RouterOutputs } from "@/app/_lib/trpc/types";
import { ConfirmDialog } from "@/app/_components/ui/confirm-dialog";

export type CategoryRow = RouterOutputs["categories"]["list"]["categories"][number];

const byPath = (a: CategoryRow, b: CategoryRow) => a.path.localeCompare(b.path);
const under = (parent: string, c: CategoryRow) => c.path.startsWith(`${parent} > `);

export function CategoriesManager({ projectId, categories }: { projectId: number; categories: CategoryRow[] }) {
  const trpc = useTRPC();
  const toast = useToast();
  const router = useRouter();
  const [filter, setFilter] = useState("");
  const [newPath, setNewPath] = useState("");
  const [editing, setEditing] = useState<{ id: number; path: string } | null>(null);
  const [removing, setRemoving] = useState<CategoryRow | null>(null);
  const done = (title: string) => {
    toast({ tone: "ok", title });
    router.refresh();
  };
  const labels = (n: number) => `${formatCount(n)} ${n === 1 ? "label" : "labels"}`;
  const create = useMutation(
    trpc.categories.create.mutationOptions({ onSuccess: (c) => (setNewPath(""), done(`Added "${c.path}"`)) }),
  );
  // A refusal stays on screen until its form is used again, not past the next successful change elsewhere.
  const rename = useMutation(
    trpc.categories.rename.mutationOptions({
      onSuccess: (c) => (setEditing(null), create.reset(), done(`Renamed to "${c.path}"`)),
    }),
  );
  const remove = useMutation(
    trpc.categories.remove.mutationOptions({
      onSuccess: (c) => (setRemoving(null), create.reset(), done(`Removed "${c.path}"`)),
    }),
  );
  const restore = useMutation(
    trpc.categories.create.mutationOptions({ onSuccess: (c) => done(`Restored "${c.path}"`) }),
  );

  const live = useMemo(() => categories.filter((c) => !c.deletedAt).sort(byPath), [categories]);
  const removed = useMemo(() => categories.filter((c) => c.deletedAt).sort(byPath), [categories]);
  const q = filter.trim().toLowerCase();
  const shown = q ? live.filter((c) => c.path.toLowerCase().includes(q)) : live;

  const add = (e: FormEvent) => {
    e.preventDefault();
    if (newPath.trim()) create.mutate({ projectId, path: newPath });
  };
  const saveRename = (e: FormEvent) => {
    e.preventDefault();
    if (editing) rename.mutate({ projectId, categoryId: editing.id, path: editing.path });
  };
  const editedRow = editing ? live.find((c) => c.id === editing.id) : undefined;
  const moving = editedRow ? live.filter((c) => under(editedRow.path, c)).length : 0;

  return (
    <div className="space-y-5">
      <Card>
        <CardHeader
          title="Add a category"
          description='A full path, levels separated by ">" (at most 6), e.g. "Produce > Fresh herbs".'
        />
        <CardBody>
          <form onSubmit={add} className="flex flex-wrap items-center gap-2">
            <Input
              aria-label="New category path"
              value={newPath}
              onChange={(e) => (create.reset(), setNewPath(e.target.value))}
              placeholder="Department > Aisle"
              className="w-96"
            />
            <Button type="submit" variant="primary" busy={create.isPending} disabled={!newPath.trim()}>
              Add
            </Button>
          </form>
          {create.error ? <ErrorAlert className="mt-3" error={create.error} title="Not added" /> : null}
        </CardBody>
      </Card>

      <Card>
        <CardHeader
          title={`${formatCount(live.length)} categories`}
          description="Labels show the items that currently carry each category, by who set them."
          actions={
            <Input
              aria-label="Filter categories"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              placeholder="Filter…"
              className="w-56"
            />
          }
        />
        {rename.error ? <ErrorAlert className="mx-4 mt-3" error={rename.error} title="Not renamed" /> : null}
        {restore.error ? <ErrorAlert className="mx-4 mt-3" error={restore.error} title="Not restored" /> : null}
        {live.length === 0 ? (
          <CardBody>
            <EmptyState title="No categories yet">
              Add one above, import a taxonomy file, or import items with their categories (Data).
            </EmptyState>
          </CardBody>
        ) : (
          <Table caption="Categories" className="pb-1">
            <THead>
              <tr>
                <Th>Path</Th>
                <Th className="text-right">Labels</Th>
                <Th className="text-right" title="Set by people / by the model / imported">
                  Human · auto · import
                </Th>
                <Th className="w-px" />
              </tr>
            </THead>
            <TBody>
              {shown.map((c) => (
                <Tr key={c.id}>
                  <Td className="min-w-72">
                    {editing?.id === c.id ? (
                      <form onSubmit={saveRename} className="flex items-center gap-2">
                        <Input
                          aria-label={`New path for ${c.path}`}
                          value={editing.path}
                          onChange={(e) => setEditing({ id: c.id, path: e.target.value })}
                          onKeyDown={(e) => e.key === "Escape" && setEditing(null)}
                          autoFocus
                        />
                        <Button type="submit" size="sm" variant="primary" busy={rename.isPending}>
                          Save
                        </Button>
                        <Button size="sm" variant="ghost" onClick={() => setEditing(null)}>
                          Cancel
                        </Button>
                      </form>
                    ) : (
                      <span data-testid="category-path">{c.path}</span>
                    )}
                    {editing?.id === c.id && moving > 0 ? (
                      <p className="mt-1 text-xs text-muted">
                        The {moving} {moving === 1 ? "category" : "categories"} under it {moving === 1 ? "is" : "are"}{" "}
                        renamed with it.
                      </p>
                    ) : null}
                  </Td>
                  <Td className="text-right tabular-nums">{formatCount(c.labelCounts.total)}</Td>
                  <Td className="text-right whitespace-nowrap text-muted tabular-nums">
                    {formatCount(c.labelCounts.human)} · {formatCount(c.labelCounts.auto)} ·{" "}
                    {formatCount(c.labelCounts.import)}
                  </Td>
                  <Td className="whitespace-nowrap text-right">
                    {editing?.id === c.id ? null : (
                      <span className="inline-flex gap-1">
                        <Button
                          size="sm"
                          variant="ghost"
                          aria-label={`Rename ${c.path}`}
                          onClick={() => (rename.reset(), setEditing({ id: c.id, path: c.path }))}
                        >
                          Rename
                        </Button>
                        <Button
                          size="sm"
                          variant="ghost"
                          aria-label={`Remove ${c.path}`}
                          onClick={() => (remove.reset(), setRemoving(c))}
                        >
                          Remove
                        </Button>
                      </span>
                    )}
                  </Td>
                </Tr>
              ))}
              {shown.length === 0 ? (
                <Tr>
                  <Td colSpan={4} className="py-4 text-center text-muted">
                    No category matches “{filter}”.
                  </Td>
                </Tr>
              ) : null}
            </TBody>
          </Table>
        )}
      </Card>

      {removed.length > 0 ? (
        <Card>
          <CardHeader
            title={`Removed (${formatCount(removed.length)})`}
            description="Still on the items labelled with them; restoring brings the same category back, with its id and labels."
          />
          <Table caption="Removed categories">
            <TBody>
              {removed.map((c) => (
                <Tr key={c.id}>
                  <Td className="text-muted" data-testid="removed-category-path">
                    {c.path}
                  </Td>
                  <Td className="text-right tabular-nums text-muted">{labels(c.labelCounts.total)}</Td>
                  <Td className="w-px whitespace-nowrap text-right">
                    <Button
                      size="sm"
                      variant="ghost"
                      aria-label={`Restore ${c.path}`}
                      busy={restore.isPending && restore.variables?.path === c.path}
                      onClick={() => restore.mutate({ projectId, path: c.path })}
                    >
                      Restore
                    </Button>
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        </Card>
      ) : null}

      <ConfirmDialog
        open={removing !== null}
        title={removing ? `Remove "${removing.path}"?` : "Remove"}
        confirmLabel="Remove"
        confirmVariant="danger"
        busy={remove.isPending}
        error={remove.error ? <ErrorAlert error={remove.error} /> : undefined}
        onConfirm={() => removing && remove.mutate({ projectId, categoryId: removing.id })}
        onCancel={() => setRemoving(null)}
      >
        {removing ? (
          <p>
            It is no longer offered for new decisions. The {formatCount(removing.labelCounts.total)}{" "}
            {removing.labelCounts.total === 1 ? "item labelled with it keeps" : "items labelled with it keep"} the label
            and its history; you can restore it later.
          </p>
        ) : null}
      </ConfirmDialog>
    </div>
  );
}
