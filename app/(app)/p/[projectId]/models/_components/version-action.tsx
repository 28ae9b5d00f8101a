"use client";
/**
 * Activate / roll back with a confirmation: `useVersionAction(projectId)` gives
 * `ask(...)` for buttons and the dialog element to render once per page.
 * Rolling back is activating an older version, recorded as a rollback.
 */
import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useToast } from "@/app/_components/ui/toast";
import { useTRPC } from "@/app/_lib/trpc/client";
import { errorMessage } from "@/app/_lib/errors";
import { ConfirmDialog } from "@/app/_components/ui/confirm-dialog";
import { pct } from "../_lib/metrics";

type Side = { id: number; version: number; accuracy: number | null; coverage: number | null };
export type VersionActionRequest = { kind: "activate" | "rollback"; target: Side; current: Side | null };

export function useVersionAction(projectId: number) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const toast = useToast();
  const [req, setReq] = useState<VersionActionRequest | null>(null);

  const done = (verb: string, version: number) => {
    setReq(null);
    toast({
      tone: "ok",
      title: `Version ${version} ${verb}`,
      description: "The pool is being rescored with it in the background.",
    });
    void queryClient.invalidateQueries({ queryKey: trpc.models.pathKey() });
    router.refresh();
  };
  const activate = useMutation(
    trpc.models.activate.mutationOptions({
      onSuccess: (_r, v) => done("is active", req?.target.version ?? v.versionId),
    }),
  );
  const rollback = useMutation(
    trpc.models.rollback.mutationOptions({
      onSuccess: () => done("is active again (rolled back)", req?.target.version ?? 0),
    }),
  );
  const busy = activate.isPending || rollback.isPending;
  const error = activate.error ?? rollback.error;

  const ask = (r: VersionActionRequest) => {
    activate.reset();
    rollback.reset();
    setReq(r);
  };
  const confirm = () => {
    if (!req) return;
    if (req.kind === "activate") activate.mutate({ projectId, versionId: req.target.id });
    else rollback.mutate({ projectId, versionId: req.target.id });
  };

  const dialog = (
    <ConfirmDialog
      open={req !== null}
      title={
        req
          ? req.kind === "activate"
            ? `Activate version ${req.target.version}?`
            : `Roll back to version ${req.target.version}?`
          : ""
      }
      confirmLabel={req?.kind === "rollback" ? "Roll back" : "Activate"}
      confirmVariant={req?.kind === "rollback" ? "danger" : "primary"}
      busy={busy}
      error={error ? errorMessage(error) : null}
      onConfirm={confirm}
      onCancel={() => !busy && setReq(null)}
    >
      {req ? <ActionSummary req={req} /> : null}
    </ConfirmDialog>
  );
  return { ask, dialog };
}

function ActionSummary({ req }: { req: VersionActionRequest }) {
  const { target, current } = req;
  return (
    <>
      <p>
        {current
          ? `Version ${current.version} stops predicting and version ${target.version} takes over`
          : `Version ${target.version} becomes the first active model`}{" "}
        in one step. The pool is then rescored, so suggestions and auto-accepts follow its calibrated thresholds.
      </p>
      <dl className="grid grid-cols-3 gap-x-3 gap-y-1 rounded-md border border-line bg-canvas px-3 py-2 text-xs tabular-nums">
        <dt className="text-muted">Gold accuracy</dt>
        <dd className="text-ink">{current ? `v${current.version}: ${pct(current.accuracy)}` : "–"}</dd>
        <dd className="font-medium text-ink">
          v{target.version}: {pct(target.accuracy)}
        </dd>
        <dt className="text-muted">Coverage at target</dt>
        <dd className="text-ink">{current ? `v${current.version}: ${pct(current.coverage)}` : "–"}</dd>
        <dd className="font-medium text-ink">
          v{target.version}: {pct(target.coverage)}
        </dd>
      </dl>
      {req.kind === "rollback" ? <p>The newer version is kept; you can activate it again at any time.</p> : null}
    </>
  );
}
