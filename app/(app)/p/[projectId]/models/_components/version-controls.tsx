"use client";
/**
 * The detail page's live parts: activate / roll back / recalibrate buttons,
 * and the progress of a version that is still queued or training.
 */
import { useEffect, useRef } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Button } from "@/app/_components/ui/button";
import { useToast } from "@/app/_components/ui/toast";
import { useTRPC } from "@/app/_lib/trpc/client";
import { errorMessage } from "@/app/_lib/errors";
import { isOpenRun, RunProgress } from "./run-progress";
import { useVersionAction, type VersionActionRequest } from "./version-action";

type Side = VersionActionRequest["target"];

export function VersionControls({
  projectId,
  target,
  active,
  isActive,
}: {
  projectId: number;
  target: Side;
  active: Side | null;
  isActive: boolean;
}) {
  const trpc = useTRPC();
  const toast = useToast();
  const router = useRouter();
  const { ask, dialog } = useVersionAction(projectId);
  const recalibrate = useMutation(
    trpc.models.recalibrate.mutationOptions({
      onSuccess: (r) => {
        toast({
          tone: "ok",
          title: r.queued ? "Recalibration queued" : "Recalibrated",
          description:
            "Calibration refitted on the newest held-out labels and audits, thresholds certified on the newest gold.",
        });
        router.refresh();
      },
      onError: (e) => toast({ tone: "danger", title: "Could not recalibrate", description: errorMessage(e) }),
    }),
  );
  if (isActive) {
    return (
      <Button
        onClick={() => recalibrate.mutate({ projectId })}
        busy={recalibrate.isPending}
        title="Refit the calibration on held-out labels and audits, and certify thresholds on the newest gold"
      >
        Recalibrate
      </Button>
    );
  }
  const older = active !== null && target.version < active.version;
  return (
    <>
      <Button
        variant={older ? "danger" : "primary"}
        onClick={() => ask({ kind: older ? "rollback" : "activate", target, current: active })}
      >
        {older ? `Roll back to v${target.version}` : `Activate v${target.version}`}
      </Button>
      {dialog}
    </>
  );
}

/** Polls a queued/training version and reloads the page when it is done. */
export function VersionRunWatcher({ projectId, versionId }: { projectId: number; versionId: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const q = useQuery(
    trpc.models.progress.queryOptions(
      { projectId, versionId },
      { staleTime: 0, refetchInterval: (x) => (x.state.data && !isOpenRun(x.state.data) ? false : 1000) },
    ),
  );
  const seenOpen = useRef(false);
  useEffect(() => {
    if (isOpenRun(q.data)) seenOpen.current = true;
    else if (q.data && seenOpen.current) router.refresh();
  }, [q.data, router]);
  if (!q.data || !isOpenRun(q.data)) return null;
  return <RunProgress run={q.data} now={Date.now()} />;
}
