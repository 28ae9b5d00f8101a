"use client";
/** The corner widgets: session progress and save state, the key legend, the notices and the empty states. */
import { Alert } from "@/app/_components/ui/alert";
import { Button } from "@/app/_components/ui/button";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { formatCount } from "@/app/_components/ui/stat";
import { cx } from "@/app/_components/ui/cx";
import type { Notice, QueueInfo, ReviewState } from "../_lib/review-types";
import { Kbd } from "./category-search";

const MINUTE = 60_000;

/** Pace per hour: over the last 15 minutes once the session is that long, else over the session so far. */
export function pacePerHour(decidedAt: number[], startedAt: number, now: number): number | null {
  const elapsed = now - startedAt;
  if (decidedAt.length < 3 || elapsed < MINUTE) return null;
  const window = Math.min(elapsed, 15 * MINUTE);
  const n = decidedAt.filter((t) => t >= now - window).length;
  return Math.round((n / window) * 60 * MINUTE);
}

export function SessionProgress({
  state,
  now,
  remaining,
}: {
  state: ReviewState;
  now: number;
  remaining: number | null;
}) {
  const done = state.session.decidedAt.length;
  const pace = pacePerHour(state.session.decidedAt, state.session.startedAt, now);
  const waiting = state.outbox.filter((o) => o.kind === "submit").length;
  const save = state.authExpired
    ? { tone: "text-warn", text: `${waiting} waiting for login` }
    : state.offline
      ? { tone: "text-warn", text: `Offline · ${waiting} waiting, retrying` }
      : waiting > 0
        ? { tone: "text-muted", text: `Saving ${waiting}…` }
        : { tone: "text-ok", text: "All saved" };
  return (
    <div className="flex items-center gap-4 text-xs" data-testid="session-progress" aria-label="Session progress">
      <span>
        <span className="text-base font-semibold tabular-nums" data-testid="session-done">
          {formatCount(done)}
        </span>{" "}
        <span className="text-muted">
          this session{state.session.skipped ? ` · ${state.session.skipped} skipped` : ""}
        </span>
      </span>
      <span>
        <span className="text-base font-semibold tabular-nums">{pace === null ? "–" : formatCount(pace)}</span>{" "}
        <span className="text-muted">/ hour</span>
      </span>
      {remaining !== null ? (
        <span>
          <span className="text-base font-semibold tabular-nums">{formatCount(remaining)}</span>{" "}
          <span className="text-muted">to review</span>
        </span>
      ) : null}
      <span className={cx("font-medium", save.tone)} data-testid="save-state" role="status">
        {save.text}
      </span>
    </div>
  );
}

const KEYS: [string[], string][] = [
  [["Enter"], "accept the suggestion"],
  [["1", "…", "9"], "pick that category"],
  [["/"], "search all categories"],
  [["x"], "none fits"],
  [["s"], "skip"],
  [["u"], "undo last decision"],
];

export function KeyLegend() {
  return (
    <section
      aria-label="Keyboard shortcuts"
      className="rounded-lg border border-line bg-surface px-4 py-3 text-xs shadow-xs"
    >
      <h2 className="mb-2 font-semibold">Keys</h2>
      <ul className="space-y-1.5">
        {KEYS.map(([keys, what]) => (
          <li key={what} className="flex items-center gap-2">
            <span className="flex w-20 shrink-0 items-center gap-0.5">
              {keys.map((k) =>
                k === "…" ? (
                  <span key={k} className="text-faint">
                    …
                  </span>
                ) : (
                  <Kbd key={k}>{k}</Kbd>
                ),
              )}
            </span>
            <span className="text-muted">{what}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function Notices({ notices, onDismiss }: { notices: Notice[]; onDismiss: (id: string) => void }) {
  if (notices.length === 0) return null;
  return (
    <div className="space-y-2" data-testid="review-notices">
      {notices.map((n) => (
        <Alert
          key={n.id}
          tone={n.tone}
          action={
            <Button size="sm" variant="ghost" onClick={() => onDismiss(n.id)} aria-label="Dismiss" tabIndex={-1}>
              ×
            </Button>
          }
        >
          {n.text}
        </Alert>
      ))}
    </div>
  );
}

function timeOf(d: Date): string {
  return d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

export function QueueEmpty({
  queue,
  waiting,
  hasModel,
  poolItems,
}: {
  queue: QueueInfo;
  waiting: number;
  hasModel: boolean;
  poolItems: number;
}) {
  if (queue.status === "loading" || queue.status === "ok") {
    return (
      <EmptyState
        title={waiting > 0 ? "Saving your last decisions…" : "Loading the next items…"}
        className="bg-surface"
      >
        {waiting > 0 ? "The next items load once they are stored." : null}
      </EmptyState>
    );
  }
  if (queue.status === "all_leased") {
    return (
      <EmptyState
        title={`All remaining items are being reviewed by others (${formatCount(queue.leasedByOthers)})`}
        className="bg-surface"
      >
        The next one frees at {timeOf(queue.earliestExpiry)} if its reviewer does not finish it. This page checks again
        by itself.
      </EmptyState>
    );
  }
  if (poolItems === 0) {
    return (
      <EmptyState title="No items to review yet" className="bg-surface">
        This project has no pool items. Once a catalogue is imported (Data page), its items appear here one at a time.
      </EmptyState>
    );
  }
  return (
    <EmptyState title="Nothing left to review" className="bg-surface">
      {hasModel
        ? "Every pool item has a human label or was skipped by you. New items appear here after the next import or when the model sends auto-accepts to audit."
        : "Every pool item has a label. Train a model to start suggesting categories."}
    </EmptyState>
  );
}
