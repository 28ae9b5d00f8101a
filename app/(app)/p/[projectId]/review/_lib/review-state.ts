/**
 * The review page's state transitions, pure: a decision moves the current
 * task into the outbox at once (the screen never waits on the network), undo
 * takes it back, and server answers are folded in as they arrive.
 */
import { acceptedSuggestion } from "./review-choices";
import type {
  Action,
  HistoryEntry,
  LeaseRef,
  NextResult,
  Notice,
  NoticeTone,
  Op,
  ReviewState,
  SubmitOp,
  Task,
  UndoOp,
} from "./review-types";

/** Undo reaches this far back (the server allows two minutes anyway). */
export const HISTORY_LIMIT = 20;
const NOTICE_LIMIT = 4;

export function initialState(now: number): ReviewState {
  return {
    buffer: [],
    outbox: [],
    history: [],
    acked: {},
    undoLeases: {},
    queue: { status: "loading" },
    session: { startedAt: now, decidedAt: [], skipped: 0 },
    notices: [],
    authExpired: false,
    offline: false,
  };
}

export function addNotice(s: ReviewState, tone: NoticeTone, text: string, id: string): ReviewState {
  const n: Notice = { id, tone, text };
  return { ...s, notices: [...s.notices.slice(-(NOTICE_LIMIT - 1)), n] };
}

export type Choice = { id: number; path: string };

/** The current task decided: into the outbox and the undo history, the next task shown. */
export function decide(
  s: ReviewState,
  p: { action: Action; category: Choice | null; key: string; now: number; shownAt: number },
): ReviewState {
  const [task, ...rest] = s.buffer;
  if (!task) return s;
  const spent = task.spentMs + Math.max(0, p.now - p.shownAt);
  const pred = task.handoff.prediction;
  const accepted = p.action === "accept" ? acceptedSuggestion(task) : null;
  const op: SubmitOp = {
    kind: "submit",
    key: p.key,
    itemId: task.handoff.item.id,
    title: task.handoff.item.title,
    lease: task.lease,
    action: p.action,
    categoryId: p.action === "correct" ? p.category?.id : undefined,
    categoryPath: accepted?.path ?? p.category?.path ?? null,
    modelVersionId: pred?.modelVersionId,
    timeSpentMs: Math.min(86_400_000, Math.round(spent)),
    attempts: 0,
    state: "queued",
  };
  const counted = p.action !== "skip";
  const entry: HistoryEntry = {
    key: p.key,
    task: { ...task, spentMs: spent, repick: undefined },
    action: p.action,
    categoryId: p.action === "correct" ? (p.category?.id ?? null) : (accepted?.categoryId ?? null),
    categoryPath: op.categoryPath,
    countedAt: counted ? p.now : null,
  };
  return {
    ...s,
    buffer: rest,
    outbox: [...s.outbox, op],
    history: [...s.history, entry].slice(-HISTORY_LIMIT),
    session: {
      ...s.session,
      decidedAt: counted ? [...s.session.decidedAt, p.now] : s.session.decidedAt,
      skipped: counted ? s.session.skipped : s.session.skipped + 1,
    },
  };
}

function uncount(session: ReviewState["session"], e: HistoryEntry): ReviewState["session"] {
  if (e.countedAt === null) return { ...session, skipped: Math.max(0, session.skipped - 1) };
  const i = session.decidedAt.lastIndexOf(e.countedAt);
  return {
    ...session,
    decidedAt: i < 0 ? session.decidedAt : [...session.decidedAt.slice(0, i), ...session.decidedAt.slice(i + 1)],
  };
}

/**
 * Undo of the last decision. Not sent yet: simply taken out of the outbox.
 * Sent (or in flight): an undo call is queued behind it and the item comes
 * back at once, decided later with the lease the undo returns.
 */
export function undo(s: ReviewState, p: { key: string }): { state: ReviewState; undone: HistoryEntry | null } {
  const last = s.history[s.history.length - 1];
  if (!last) return { state: s, undone: null };
  const history = s.history.slice(0, -1);
  const session = uncount(s.session, last);
  const i = s.outbox.findIndex((o) => o.kind === "submit" && o.key === last.key);
  const pending = i >= 0 ? s.outbox[i] : undefined;
  if (pending && pending.state === "queued") {
    const task = { ...last.task, lease: resolveLease(s, last.task.lease) };
    return {
      state: { ...s, history, session, outbox: s.outbox.filter((_, j) => j !== i), buffer: [task, ...s.buffer] },
      undone: last,
    };
  }
  const op: UndoOp = {
    kind: "undo",
    key: p.key,
    undoesKey: last.key,
    itemId: last.task.handoff.item.id,
    title: last.task.handoff.item.title,
    attempts: 0,
    state: "queued",
  };
  const back: Task = { ...last.task, lease: { kind: "from-undo", undoKey: p.key } };
  return { state: { ...s, history, session, outbox: [...s.outbox, op], buffer: [back, ...s.buffer] }, undone: last };
}

/** A lease waiting on an undo that has been acknowledged meanwhile becomes that undo's token. */
export function resolveLease(s: ReviewState, l: LeaseRef): LeaseRef {
  if (l.kind === "token") return l;
  const got = s.undoLeases[l.undoKey];
  return got ? { kind: "token", ...got } : l;
}

/** Undo leases nothing refers to any more. */
export function pruneUndoLeases(s: ReviewState): ReviewState {
  const used = new Set<string>();
  const see = (l: LeaseRef) => (l.kind === "from-undo" ? used.add(l.undoKey) : undefined);
  s.buffer.forEach((t) => see(t.lease));
  s.history.forEach((h) => see(h.task.lease));
  s.outbox.forEach((o) => (o.kind === "submit" ? see(o.lease) : used.add(o.key)));
  const keys = Object.keys(s.undoLeases);
  if (keys.every((k) => used.has(k))) return s;
  return { ...s, undoLeases: Object.fromEntries(Object.entries(s.undoLeases).filter(([k]) => used.has(k))) };
}

/** Items whose decision is on its way: queue.next may still list their (live) leases. */
export function pendingItemIds(s: ReviewState): Set<number> {
  return new Set(s.outbox.filter((o): o is SubmitOp => o.kind === "submit").map((o) => o.itemId));
}

/** New leases appended; known items get the server's token; decided items ignored. */
export function mergeNext(s: ReviewState, r: NextResult, recentlyDecided: ReadonlySet<number>): ReviewState {
  const skip = pendingItemIds(s);
  const buffer = [...s.buffer];
  for (const h of r.items) {
    if (skip.has(h.item.id) || recentlyDecided.has(h.item.id)) continue;
    const i = buffer.findIndex((t) => t.handoff.item.id === h.item.id);
    const held = buffer[i];
    const lease = { kind: "token" as const, token: h.lease.token, expiresAt: h.lease.expiresAt };
    if (!held) buffer.push({ handoff: h, lease, spentMs: 0 });
    else if (held.lease.kind === "token") buffer[i] = { ...held, lease };
  }
  const queue: ReviewState["queue"] =
    r.status === "all_leased"
      ? { status: "all_leased", leasedByOthers: r.leasedByOthers, earliestExpiry: r.earliestExpiry }
      : { status: r.status };
  return { ...s, buffer, queue };
}

function replaceOp(s: ReviewState, key: string, f: (o: Op) => Op | null): ReviewState {
  return { ...s, outbox: s.outbox.flatMap((o) => (o.key === key ? [f(o)].filter((x): x is Op => x !== null) : [o])) };
}

export const markSending = (s: ReviewState, key: string) => replaceOp(s, key, (o) => ({ ...o, state: "sending" }));
export const markRetry = (s: ReviewState, key: string) =>
  replaceOp(s, key, (o) => ({ ...o, state: "queued", attempts: o.attempts + 1 }));
export const removeOp = (s: ReviewState, key: string) => replaceOp(s, key, () => null);

/**
 * Only decisions still undoable keep their annotation id: those in the history
 * and those an undo queued while they were in flight waits for.
 */
export function ackSubmit(s: ReviewState, key: string, annotationId: number): ReviewState {
  const next = removeOp(s, key);
  const keep = s.history.some((h) => h.key === key) || s.outbox.some((o) => o.kind === "undo" && o.undoesKey === key);
  return keep ? { ...next, acked: { ...next.acked, [key]: annotationId } } : next;
}

/** A decision the server refused for good: gone from the outbox and from undo. */
export function dropSubmit(s: ReviewState, key: string): ReviewState {
  const next = removeOp(s, key);
  return { ...next, history: next.history.filter((h) => h.key !== key) };
}

/** The chosen category was deleted: the item comes back first, to pick again (its lease is untouched). */
export function returnForRepick(s: ReviewState, op: SubmitOp, task: Task | undefined, paths: string[]): ReviewState {
  const next = dropSubmit(s, op.key);
  if (!task) return next;
  const back: Task = { ...task, lease: op.lease, repick: { deletedPaths: paths } };
  return { ...next, buffer: [back, ...next.buffer.filter((t) => t.handoff.item.id !== op.itemId)] };
}

export function ackUndo(s: ReviewState, op: UndoOp, lease: { token: string; expiresAt: Date } | null): ReviewState {
  const next = removeOp(s, op.key);
  const { [op.undoesKey]: _gone, ...acked } = next.acked;
  const buffer = lease
    ? next.buffer.map((t) =>
        t.lease.kind === "from-undo" && t.lease.undoKey === op.key
          ? { ...t, lease: { kind: "token" as const, ...lease } }
          : t,
      )
    : next.buffer.filter((t) => !(t.lease.kind === "from-undo" && t.lease.undoKey === op.key));
  const outbox = lease
    ? next.outbox
    : next.outbox.filter((o) => !(o.kind === "submit" && o.lease.kind === "from-undo" && o.lease.undoKey === op.key));
  const undoLeases = { ...next.undoLeases, [op.key]: lease };
  return { ...next, acked, buffer, outbox, undoLeases };
}

/** The undo failed for good: the item it brought back, and any decision made on it, go away. */
export function failUndo(s: ReviewState, op: UndoOp): ReviewState {
  const next = removeOp(s, op.key);
  const dependsOn = (l: Task["lease"]) => l.kind === "from-undo" && l.undoKey === op.key;
  return {
    ...next,
    buffer: next.buffer.filter((t) => !dependsOn(t.lease)),
    outbox: next.outbox.filter((o) => !(o.kind === "submit" && dependsOn(o.lease))),
    history: next.history.filter((h) => !dependsOn(h.task.lease)),
  };
}

/** Leases the server says are gone (taken over after expiry): their tasks cannot be decided any more. */
export function dropLost(s: ReviewState, lostTokens: ReadonlySet<string>): { state: ReviewState; lost: Task[] } {
  const lost = s.buffer.filter((t) => t.lease.kind === "token" && lostTokens.has(t.lease.token));
  if (lost.length === 0) return { state: s, lost };
  return { state: { ...s, buffer: s.buffer.filter((t) => !lost.includes(t)) }, lost };
}

/** Refreshed expiries from queue.extend. */
export function applyExtended(s: ReviewState, extended: { token: string; expiresAt: Date }[]): ReviewState {
  const by = new Map(extended.map((e) => [e.token, e.expiresAt]));
  const upd = (l: Task["lease"]): Task["lease"] => {
    if (l.kind !== "token") return l;
    const expiresAt = by.get(l.token);
    return expiresAt ? { ...l, expiresAt } : l;
  };
  return {
    ...s,
    buffer: s.buffer.map((t) => ({ ...t, lease: upd(t.lease) })),
    outbox: s.outbox.map((o) => (o.kind === "submit" ? { ...o, lease: upd(o.lease) } : o)),
  };
}

/** Leaving the page: everything but the current item (the draft) is given back. */
export function releaseExtras(s: ReviewState): { state: ReviewState; tokens: string[] } {
  const [current, ...rest] = s.buffer;
  const tokens = rest.flatMap((t) => (t.lease.kind === "token" ? [t.lease.token] : []));
  const kept = rest.filter((t) => t.lease.kind !== "token");
  return { state: { ...s, buffer: current ? [current, ...kept] : kept }, tokens };
}

/** Lease tokens the page holds: shown or prefetched items, and decisions not yet sent. */
export function heldTokens(s: ReviewState): string[] {
  const fromBuffer = s.buffer.flatMap((t) => (t.lease.kind === "token" ? [t.lease.token] : []));
  const fromOutbox = s.outbox.flatMap((o) => (o.kind === "submit" && o.lease.kind === "token" ? [o.lease.token] : []));
  return [...new Set([...fromBuffer, ...fromOutbox])];
}

/** What a tab keeps in storage. */
export type Persisted = Pick<ReviewState, "buffer" | "outbox" | "history" | "acked" | "undoLeases" | "session">;

/** Items decided (or being decided) elsewhere leave the buffer; their shared lease is not given back. */
export function dropItems(s: ReviewState, itemIds: ReadonlySet<number>): ReviewState {
  const buffer = s.buffer.filter((t) => !(t.lease.kind === "token" && itemIds.has(t.handoff.item.id)));
  return buffer.length === s.buffer.length ? s : { ...s, buffer };
}

/**
 * The saved state of a review tab that is gone, taken over. A tab with nothing
 * yet takes all of it (as a reload would); otherwise the closed tab's outbox
 * goes after this tab's own, with the annotation ids its undos need and the
 * leases its decisions wait on. Ops already here (same key) are not doubled;
 * a double send would be harmless anyway (idempotency keys).
 */
export function adoptOrphan(s: ReviewState, o: Persisted): ReviewState {
  const queued = o.outbox.map((op) => ({ ...op, state: "queued" as const }));
  if (s.buffer.length === 0 && s.outbox.length === 0 && s.history.length === 0) {
    return {
      ...s,
      buffer: o.buffer,
      outbox: queued,
      history: o.history,
      acked: o.acked,
      undoLeases: o.undoLeases,
      session: o.session,
    };
  }
  const known = new Set(s.outbox.map((op) => op.key));
  const ops = queued.filter((op) => !known.has(op.key));
  if (ops.length === 0) return s;
  const acked = { ...s.acked };
  const undoLeases = { ...s.undoLeases };
  for (const op of ops) {
    if (op.kind === "undo") {
      const id = o.acked[op.undoesKey];
      if (id !== undefined) acked[op.undoesKey] = id;
      if (op.key in o.undoLeases) undoLeases[op.key] = o.undoLeases[op.key] ?? null;
    } else if (op.lease.kind === "from-undo" && op.lease.undoKey in o.undoLeases) {
      undoLeases[op.lease.undoKey] = o.undoLeases[op.lease.undoKey] ?? null;
    }
  }
  const decided = new Set(ops.flatMap((op) => (op.kind === "submit" ? [op.itemId] : [])));
  return dropItems({ ...s, outbox: [...s.outbox, ...ops], acked, undoLeases }, decided);
}
