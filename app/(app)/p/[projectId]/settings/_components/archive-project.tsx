"use client";
/** The soft delete: instance admins archive a project (hidden, jobs stopped, history kept). */
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "@/app/_lib/trpc/client";
import { errorMessage } from "@/app/_lib/errors";
import { Button } from "@/app/_components/ui/button";
import { Card, CardBody, CardHeader } from "@/app/_components/ui/card";
import { ConfirmDialog } from "@/app/_components/ui/confirm-dialog";

export function ArchiveProject({ projectId, name }: { projectId: number; name: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const archive = useMutation(
    trpc.projects.setArchived.mutationOptions({
      onSuccess: () => {
        router.replace("/");
        router.refresh();
      },
    }),
  );
  return (
    <Card className="mt-6 border-danger/30">
      <CardHeader
        title="Archive this project"
        description="Hides the project from everyone and stops its training and scoring. Nothing is deleted: items, labels, every decision and the audit trail stay, and an instance administrator can restore it from the projects page."
      />
      <CardBody>
        <Button variant="danger" onClick={() => setOpen(true)}>
          Archive project
        </Button>
      </CardBody>
      <ConfirmDialog
        open={open}
        title={`Archive “${name}”?`}
        confirmLabel="Archive"
        confirmVariant="danger"
        busy={archive.isPending}
        error={archive.error ? errorMessage(archive.error) : undefined}
        onConfirm={() => archive.mutate({ projectId, archived: true })}
        onCancel={() => setOpen(false)}
      >
        Its members lose access at once; nothing is deleted.
      </ConfirmDialog>
    </Card>
  );
}
