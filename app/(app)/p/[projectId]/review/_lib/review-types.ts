/**
 * Client-side shapes of the review page: a task is one leased item with its
 * handoff context; the outbox holds decisions not yet acknowledged.
 */
import type { RouterInputs, RouterOutputs } from "@/app/_lib/trpc/types";

export type NextResult = RouterOutputs["queue"]["next"];
export type Handoff = NextResult["items"][number];
export type SubmitInput = RouterInputs["annotations"]["submit"];
export type SubmitResult = RouterOutputs["annotations"]["submit"];
export type UndoInput = RouterInputs["annotations"]["undo"];
export type UndoResult = RouterOutputs["annotations"]["undo"];
export type ExtendResult = RouterOutputs["queue"]["extend"];

export type Action = "accept" | "correct" | "reject" | "skip";

/**
 * The lease a decision is sent with: the token from queue.next, or the one an
 * undo will hand back (the item is shown again before the undo is acknowledged).
 */
export type LeaseRef = { kind: "token"; token: string; expiresAt: Date } | { kind: "from-undo"; undoKey: string };

export type Task = {
  handoff: Handoff;
  lease: LeaseRef;
  /** Time on screen so far (ms), kept across undo and reload. */
  spentMs: number;
  /** Set when the category chosen was deleted meanwhile: pick again. */
  repick?: { deletedPaths: string[] };
};

export type OpState = "queued" | "sending";

export type SubmitOp = {
  kind: "submit";
  key: string;
  itemId: number;
  title: string;
  lease: LeaseRef;
  action: Action;
  categoryId?: number;
  categoryPath: string | null;
  modelVersionId?: number;
  timeSpentMs: number;
  attempts: number;
  state: OpState;
};

export type UndoOp = {
  kind: "undo";
  key: string;
  undoesKey: string;
  itemId: number;
  title: string;
  attempts: number;
  state: OpState;
};

export type Op = SubmitOp | UndoOp;

/** A decision the person may still undo (most recent last). */
export type HistoryEntry = {
  key: string;
  task: Task;
  action: Action;
  categoryId: number | null;
  categoryPath: string | null;
  /** When it counted toward the session's progress (skips do not). */
  countedAt: number | null;
};

export type NoticeTone = "info" | "warn" | "danger";
export type Notice = { id: string; tone: NoticeTone; text: string };

export type QueueInfo =
  | { status: "loading" }
  | { status: "ok" }
  | { status: "all_leased"; leasedByOthers: number; earliestExpiry: Date }
  | { status: "done" };

export type ReviewState = {
  buffer: Task[];
  outbox: Op[];
  history: HistoryEntry[];
  /** Annotation ids of acknowledged decisions that are still in `history`. */
  acked: Record<string, number>;
  /** Leases handed back by acknowledged undos, for the decisions made on those items meanwhile. */
  undoLeases: Record<string, { token: string; expiresAt: Date } | null>;
  queue: QueueInfo;
  session: { startedAt: number; decidedAt: number[]; skipped: number };
  notices: Notice[];
  /** The last call came back UNAUTHORIZED: work is kept and sent after logging in again. */
  authExpired: boolean;
  /** The last send failed on the network or a 5xx; the outbox retries with backoff. */
  offline: boolean;
};

/** What the page sends and receives; an interface so the engine can be tested without a server. */
export type ReviewTransport = {
  /** `known`: items already loaded here, whose context the server need not send again. */
  next: (n: number, known: number[]) => Promise<NextResult>;
  submit: (input: Omit<SubmitInput, "projectId">) => Promise<SubmitResult>;
  undo: (input: Omit<UndoInput, "projectId">) => Promise<UndoResult>;
  extend: (leaseTokens: string[]) => Promise<ExtendResult>;
  /** Best effort, must survive the page going away (keepalive). */
  release: (leaseTokens: string[]) => void;
};
