"use client";
/** Instance admins: archived projects, each restorable. */
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "@/app/_lib/trpc/client";
import { ErrorAlert } from "@/app/_components/ui/alert";
import { Button } from "@/app/_components/ui/button";
import { Card, CardHeader } from "@/app/_components/ui/card";

type Archived = { id: number; name: string; slug: string; archivedAt: Date | null };

export function ArchivedProjects({ projects }: { projects: Archived[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const restore = useMutation(trpc.projects.setArchived.mutationOptions({ onSuccess: () => router.refresh() }));
  if (projects.length === 0) return null;
  return (
    <Card className="mt-6">
      <CardHeader title="Archived projects" description="Hidden from their members; nothing in them was deleted." />
      {restore.error ? <ErrorAlert error={restore.error} className="mx-4 mb-2" /> : null}
      <ul className="divide-y divide-line" data-testid="archived-projects">
        {projects.map((p) => (
          <li key={p.id} className="flex items-center justify-between gap-3 px-4 py-2 text-sm">
            <span>
              <span className="font-medium">{p.name}</span>{" "}
              <span className="font-mono text-xs text-faint">{p.slug}</span>
              {p.archivedAt ? (
                <span className="ml-2 text-xs text-muted">
                  archived {new Date(p.archivedAt).toISOString().slice(0, 10)}
                </span>
              ) : null}
            </span>
            <Button
              size="sm"
              busy={restore.isPending && restore.variables?.projectId === p.id}
              onClick={() => restore.mutate({ projectId: p.id, archived: false })}
            >
              Restore
            </Button>
          </li>
        ))}
      </ul>
    </Card>
  );
}
