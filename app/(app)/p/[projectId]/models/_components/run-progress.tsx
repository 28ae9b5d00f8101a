"use client";
/** The live state of a training run, from `models.progress` (polled by the caller). */
import { Alert } from "@/app/_components/ui/alert";
import { Spinner } from "@/app/_components/ui/button";
import type { RouterOutputs } from "@/app/_lib/trpc/types";
import { fixed } from "../_lib/metrics";

export type Progress = NonNullable<RouterOutputs["models"]["progress"]>;

const PHASES: Record<string, string> = {
  queued: "Queued, waiting for the worker",
  starting: "Reading a snapshot of the labels",
  train: "Training",
  calibrate: "Calibrating confidences",
  evaluate: "Evaluating on the gold set",
  done: "Finished",
  failed: "Failed",
};

/** Not a type guard on purpose: a closed run is still a Progress (failed, ready). */
export function isOpenRun(p: Progress | null | undefined): boolean {
  return p?.status === "queued" || p?.status === "training";
}

/** A heartbeat older than this while training is worth saying out loud (the server fails the run later). */
const QUIET_MS = 60_000;

export function RunProgress({ run, now }: { run: Progress; now: number }) {
  const { phase, epoch, epochs, loss } = run.progress as {
    phase: string;
    epoch?: number;
    epochs?: number;
    loss?: number;
  };
  const share = epoch && epochs ? Math.min(1, epoch / epochs) : null;
  const quiet = run.status === "training" && run.heartbeatAt && now - new Date(run.heartbeatAt).getTime() > QUIET_MS;
  const elapsed = run.startedAt ? Math.max(0, Math.round((now - new Date(run.startedAt).getTime()) / 1000)) : null;
  return (
    <div className="space-y-2" data-testid="training-progress" data-phase={phase}>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
        <span className="inline-flex items-center gap-2 font-medium">
          <Spinner className="text-accent" />
          Version {run.version}: {PHASES[phase] ?? phase}
        </span>
        {epoch && epochs ? (
          <span className="tabular-nums text-muted">
            epoch {epoch}/{epochs}
          </span>
        ) : null}
        {loss !== undefined ? <span className="tabular-nums text-muted">loss {fixed(loss, 4)}</span> : null}
        {elapsed !== null ? <span className="tabular-nums text-muted">{elapsed} s elapsed</span> : null}
      </div>
      <div
        role="progressbar"
        aria-label={`Training version ${run.version}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={share === null ? undefined : Math.round(share * 100)}
        aria-valuetext={share === null ? (PHASES[phase] ?? phase) : `epoch ${epoch} of ${epochs}`}
        className="h-1.5 w-full overflow-hidden rounded-full bg-line"
      >
        <div
          className={
            share === null
              ? "h-full w-1/3 animate-pulse rounded-full bg-accent/60"
              : "h-full rounded-full bg-accent transition-[width] duration-500"
          }
          style={share === null ? undefined : { width: `${Math.round(share * 100)}%` }}
        />
      </div>
      {quiet ? (
        <Alert tone="warn">
          No word from the training worker for over a minute. If it stopped, the run is marked failed automatically.
        </Alert>
      ) : null}
    </div>
  );
}
