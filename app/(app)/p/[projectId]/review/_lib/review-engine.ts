/**
 * The review page's engine: keeps a buffer of leased items ahead of the
 * person, sends decisions from an outbox in order (one at a time, so an undo
 * always follows the decision it undoes), retries with backoff, extends and
 * releases leases. Framework-free; the page subscribes to it.
 */
import { clearSessionExpired, reportSessionExpired } from "@/app/_lib/session-expiry";
import { acceptedSuggestion } from "./review-choices";
import { backoffMs, classifyFailure, newKey, type Failure } from "./review-errors";
import * as S from "./review-state";
import type { ReviewStorage } from "./review-storage";
import type { Action, Op, ReviewState, ReviewTransport, SubmitOp, UndoOp } from "./review-types";

/**
 * Items kept leased and loaded ahead; a refill starts when fewer are left.
 * A fast annotator skips an item in ~0.2 s and a refill takes 1-2 s on a busy
 * server, so the low water leaves ten or more items to spend while it runs.
 */
export const BUFFER_TARGET = 24;
export const LOW_WATER = 16;
/** An empty buffer (a fresh page) asks for this few first, so the first item paints before the rest load. */
export const FIRST_LOAD = 2;
const EXTEND_EVERY_MS = 60_000;
/** Leases closer than this to expiry are extended on the next tick. */
const EXTEND_WITHIN_MS = 5 * 60_000;
const AUTH_PROBE_MS = 4_000;
const IDLE_QUEUE_RETRY_MS = 30_000;
const RECENT_MS = 5 * 60_000;
/** How often closed tabs' outboxes are looked for (also on focus, online and other tabs' changes). */
const ADOPT_EVERY_MS = 15_000;
/** After another tab saved: if it was closing, its lock is free a moment later. */
const ADOPT_AFTER_CHANGE_MS = 2_000;
/** Decisions sent together at most (one batched request); the server takes up to 20 calls per batch. */
const SEND_GROUP = 10;

export type EngineOptions = {
  transport: ReviewTransport;
  storage: ReviewStorage;
  now?: () => number;
  /** A decision was refused because its category was deleted: the category list is stale. */
  onCategoriesStale?: () => void;
};

export class ReviewEngine {
  private state: ReviewState;
  private readonly listeners = new Set<() => void>();
  private readonly t: ReviewTransport;
  private readonly storage: ReviewStorage;
  private readonly now: () => number;
  private readonly onCategoriesStale?: () => void;
  private pumping = false;
  private refilling = false;
  private pumpTimer: ReturnType<typeof setTimeout> | null = null;
  private refillTimer: ReturnType<typeof setTimeout> | null = null;
  private intervals: ReturnType<typeof setInterval>[] = [];
  private readonly recentlyDecided = new Map<number, number>();
  private shownAt: number;
  private currentId: number | null = null;
  private noticeSeq = 0;
  private stopped = false;
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private adopting = false;
  private adoptTimer: ReturnType<typeof setTimeout> | null = null;
  private unwatch: (() => void) | null = null;

  constructor(o: EngineOptions) {
    this.t = o.transport;
    this.storage = o.storage;
    this.now = o.now ?? Date.now;
    this.onCategoriesStale = o.onCategoriesStale;
    this.state = this.storage.load() ?? S.initialState(this.now());
    this.shownAt = this.now();
    this.currentId = this.state.buffer[0]?.handoff.item.id ?? null;
  }

  getState = (): ReviewState => this.state;

  subscribe = (l: () => void): (() => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };

  start(): void {
    this.stopped = false;
    this.intervals.push(setInterval(() => void this.extendHeld(false), EXTEND_EVERY_MS));
    this.intervals.push(setInterval(() => this.state.authExpired && this.retryNow(), AUTH_PROBE_MS));
    this.intervals.push(setInterval(() => void this.adoptOrphans(), ADOPT_EVERY_MS));
    this.unwatch = this.storage.watchOthers?.(() => this.othersChanged()) ?? null;
    this.syncElsewhere();
    void this.pump();
    // Closed tabs' work first: a fresh tab takes a closed tab's draft and buffer whole.
    void this.adoptOrphans().finally(() => {
      if (this.stopped) return;
      // Restored leases may have been taken over while the page was closed.
      void this.extendHeld(true);
      void this.refill();
    });
  }

  /** Leaving: timers off, prefetched leases given back; the item on screen and the outbox are kept. */
  stop(): void {
    this.stopped = true;
    this.intervals.forEach(clearInterval);
    this.intervals = [];
    for (const timer of [this.pumpTimer, this.refillTimer, this.adoptTimer]) if (timer) clearTimeout(timer);
    this.pumpTimer = this.refillTimer = this.adoptTimer = null;
    this.unwatch?.();
    this.unwatch = null;
    this.releaseExtras();
  }

  /** Prefetched leases given back (page hidden or left); the item on screen stays, as the draft. */
  releaseExtras(): void {
    const { state, tokens } = S.releaseExtras(this.state);
    if (tokens.length > 0) this.t.release(tokens);
    this.set(state);
    this.flush();
  }

  /** After the page comes back (bfcache, focus, online, logged in again). */
  retryNow(): void {
    if (this.stopped) return;
    if (this.pumpTimer) clearTimeout(this.pumpTimer);
    this.pumpTimer = null;
    void this.pump();
    if (this.state.buffer.length <= LOW_WATER) void this.refill();
    void this.adoptOrphans();
  }

  decide(action: Action, category: S.Choice | null = null): boolean {
    const task = this.state.buffer[0];
    if (!task) return false;
    if (action === "accept" && !acceptedSuggestion(task)) return false;
    if (action === "correct" && !category) return false;
    this.set(S.decide(this.state, { action, category, key: newKey(), now: this.now(), shownAt: this.shownAt }));
    void this.pump();
    if (this.state.buffer.length <= LOW_WATER) void this.refill();
    return true;
  }

  undo(): boolean {
    const { state, undone } = S.undo(this.state, { key: newKey() });
    if (!undone) {
      this.notify("info", "Nothing to undo yet.");
      return false;
    }
    this.recentlyDecided.delete(undone.task.handoff.item.id);
    this.set(state);
    void this.pump();
    return true;
  }

  dismissNotice(id: string): void {
    this.set({ ...this.state, notices: this.state.notices.filter((n) => n.id !== id) });
  }

  // ------------------------------------------------------------ outbox ----

  /**
   * Sends the outbox head: consecutive decisions together (one batched HTTP
   * request, independent items), an undo alone, after everything before it.
   */
  private async pump(): Promise<void> {
    if (this.pumping || this.stopped) return;
    this.pumping = true;
    try {
      for (;;) {
        const head = this.headGroup();
        if (head.length === 0 || this.stopped) break;
        for (const op of head) this.set(S.markSending(this.state, op.key));
        const results = await Promise.all(
          head.map((op) => (op.kind === "submit" ? this.sendSubmit(op) : this.sendUndo(op))),
        );
        const failed = head.filter((_, i) => results[i] !== null);
        if (failed.length === 0) continue;
        for (const op of failed) this.set(S.markRetry(this.state, op.key));
        // Auth: the probe retries; network: backoff. Failed ops stay at the head, in order.
        if (results.some((f) => f?.kind === "retry"))
          this.pumpTimer = setTimeout(
            () => void this.pump(),
            backoffMs(Math.max(...failed.map((o) => o.attempts)) + 1),
          );
        break;
      }
    } finally {
      this.pumping = false;
    }
  }

  private headGroup(): Op[] {
    const first = this.state.outbox[0];
    if (!first || first.kind === "undo") return first ? [first] : [];
    const group: Op[] = [];
    for (const op of this.state.outbox) {
      // A decision waiting on an undo's lease goes after that undo.
      if (op.kind !== "submit" || op.lease.kind === "from-undo" || group.length >= SEND_GROUP) break;
      group.push(op);
    }
    return group.length > 0 ? group : [first];
  }

  /** Returns a failure to retry later, or null when the op is settled (sent or dropped). */
  private async sendSubmit(op: SubmitOp): Promise<Failure | null> {
    const lease = S.resolveLease(this.state, op.lease);
    if (lease.kind !== "token") {
      this.set(S.dropSubmit(this.state, op.key));
      this.notify("warn", `“${op.title}” could not be decided again: it is not leased to you any more.`);
      return null;
    }
    try {
      const r = await this.t.submit({
        itemId: op.itemId,
        leaseToken: lease.token,
        idempotencyKey: op.key,
        action: op.action,
        categoryId: op.categoryId,
        timeSpentMs: op.timeSpentMs,
        modelVersionId: op.modelVersionId,
      });
      this.ok();
      this.recentlyDecided.set(op.itemId, this.now());
      this.set(S.pruneUndoLeases(S.ackSubmit(this.state, op.key, r.annotationId)));
      return null;
    } catch (e) {
      const f = classifyFailure(e);
      return this.settleFailure(f, () => this.refuseSubmit(op, f));
    }
  }

  private refuseSubmit(op: SubmitOp, f: Failure): void {
    if (f.kind === "deleted-category") {
      const task = this.state.history.find((h) => h.key === op.key)?.task;
      this.set(S.returnForRepick(this.state, op, task, f.paths));
      this.shownAt = this.now();
      this.notify("warn", `${f.message} “${op.title}” is back on screen.`);
      this.onCategoriesStale?.();
      return;
    }
    this.set(S.dropSubmit(this.state, op.key));
    const why = f.kind === "conflict" ? f.message : f.kind === "rejected" ? f.message : "";
    this.notify(f.kind === "conflict" ? "warn" : "danger", `Not saved: “${op.title}”. ${why}`);
  }

  private async sendUndo(op: UndoOp): Promise<Failure | null> {
    const annotationId = this.state.acked[op.undoesKey];
    if (annotationId === undefined) {
      // The decision it undoes was refused meanwhile: nothing to undo on the server.
      this.set(S.failUndo(this.state, op));
      return null;
    }
    try {
      const r = await this.t.undo({ idempotencyKey: op.key, annotationId });
      this.ok();
      this.set(S.pruneUndoLeases(S.ackUndo(this.state, op, r.lease)));
      if (!r.lease) this.notify("warn", `Undone, but “${op.title}” is being decided by someone else right now.`);
      return null;
    } catch (e) {
      const f = classifyFailure(e);
      return this.settleFailure(f, () => {
        this.set(S.failUndo(this.state, op));
        this.notify("warn", `Could not undo “${op.title}”: ${"message" in f ? f.message : ""}`);
      });
    }
  }

  private settleFailure(f: Failure, refuse: () => void): Failure | null {
    if (f.kind === "retry") {
      if (!this.state.offline) this.set({ ...this.state, offline: true });
      return f;
    }
    if (f.kind === "auth") {
      this.authLost();
      return f;
    }
    refuse();
    return null;
  }

  private ok(): void {
    if (this.state.authExpired) clearSessionExpired();
    if (this.state.authExpired || this.state.offline) this.set({ ...this.state, authExpired: false, offline: false });
  }

  private authLost(): void {
    reportSessionExpired();
    if (!this.state.authExpired) this.set({ ...this.state, authExpired: true });
  }

  // -------------------------------------------------------- other tabs ----

  /**
   * Outboxes of this user's review tabs that were closed before they could
   * send (offline, server down, logged out): merged into this tab's outbox,
   * saved, and only then deleted from storage.
   */
  async adoptOrphans(): Promise<void> {
    if (!this.storage.adoptOrphans || this.adopting || this.stopped) return;
    this.adopting = true;
    try {
      const n = await this.storage.adoptOrphans((orphan) => {
        if (this.stopped) return false;
        this.set(S.adoptOrphan(this.state, orphan));
        return this.flush();
      });
      if (n > 0 && !this.stopped) {
        this.notify("info", `${n} decision${n === 1 ? "" : "s"} left in a closed tab will be sent from here.`);
        void this.pump();
      }
    } catch {
      // Tried again on the next tick.
    } finally {
      this.adopting = false;
    }
  }

  private othersChanged(): void {
    this.syncElsewhere();
    if (this.adoptTimer) clearTimeout(this.adoptTimer);
    this.adoptTimer = setTimeout(() => void this.adoptOrphans(), ADOPT_AFTER_CHANGE_MS);
  }

  /** Items another tab has decided leave this one (deciding them here too would be refused). */
  private syncElsewhere(): void {
    const ids = this.storage.pendingElsewhere?.();
    if (!ids || ids.size === 0) return;
    const at = this.now();
    for (const id of ids) this.recentlyDecided.set(id, at);
    const current = this.state.buffer[0];
    const next = S.dropItems(this.state, ids);
    if (next === this.state) return;
    this.set(next);
    if (current && !next.buffer.includes(current))
      this.notify("info", `“${current.handoff.item.title}” was decided in another tab.`);
    if (next.buffer.length <= LOW_WATER) void this.refill();
  }

  // ------------------------------------------------------------ leases ----

  private async refill(): Promise<void> {
    if (this.refilling || this.stopped) return;
    if (this.refillTimer) clearTimeout(this.refillTimer);
    this.refillTimer = null;
    this.refilling = true;
    try {
      const pendingIds = S.pendingItemIds(this.state);
      const pending = pendingIds.size;
      // Held items (the buffer and decisions not yet sent) count toward n on the server.
      const n = Math.min(50, this.state.buffer.length === 0 ? pending + FIRST_LOAD : pending + BUFFER_TARGET);
      const loaded = this.state.buffer.flatMap((t) => (t.lease.kind === "token" ? [t.handoff.item.id] : []));
      const known = [...new Set([...loaded, ...pendingIds])];
      const r = await this.t.next(n, known.slice(0, 100));
      this.ok();
      this.forgetOldDecisions();
      const before = this.state.buffer.length;
      const skip = new Set([...this.recentlyDecided.keys(), ...(this.storage.pendingElsewhere?.() ?? [])]);
      this.set(S.mergeNext(this.state, r, skip));
      if (r.status === "ok") {
        // Decisions made while this call was out may have used up what it brought.
        const added = this.state.buffer.length - before;
        if (this.state.buffer.length <= LOW_WATER)
          this.refillTimer = setTimeout(() => void this.refill(), added > 0 ? 0 : 2_000);
        return;
      }
      const wait =
        r.status === "all_leased"
          ? Math.min(IDLE_QUEUE_RETRY_MS, Math.max(2_000, r.earliestExpiry.getTime() - this.now() + 1_000))
          : IDLE_QUEUE_RETRY_MS;
      this.refillTimer = setTimeout(() => void this.refill(), wait);
    } catch (e) {
      const f = classifyFailure(e);
      if (f.kind === "auth") this.authLost();
      else if (f.kind === "retry") this.refillTimer = setTimeout(() => void this.refill(), backoffMs(3));
      else this.notify("danger", `Could not load the next items: ${"message" in f ? f.message : ""}`);
    } finally {
      this.refilling = false;
    }
  }

  private async extendHeld(all: boolean): Promise<void> {
    if (this.stopped || this.state.authExpired) return;
    const soon = this.now() + EXTEND_WITHIN_MS;
    const tokens = S.heldTokens(this.state).filter((tok) => all || this.expiresBefore(tok, soon));
    if (tokens.length === 0) return;
    try {
      const r = await this.t.extend(tokens.slice(0, 100));
      const current = this.state.buffer[0];
      const { state, lost } = S.dropLost(S.applyExtended(this.state, r.extended), new Set(r.lost));
      this.set(state);
      if (current && lost.includes(current))
        this.notify("warn", `“${current.handoff.item.title}” was given to someone else after its lease ran out.`);
      if (lost.length > 0 && state.buffer.length <= LOW_WATER) void this.refill();
    } catch (e) {
      if (classifyFailure(e).kind === "auth") this.authLost();
    }
  }

  private expiresBefore(token: string, t: number): boolean {
    const inBuffer = this.state.buffer.find((x) => x.lease.kind === "token" && x.lease.token === token)?.lease;
    const inOutbox = this.state.outbox.find(
      (o): o is SubmitOp => o.kind === "submit" && o.lease.kind === "token" && o.lease.token === token,
    )?.lease;
    const l = inBuffer ?? inOutbox;
    return l?.kind === "token" && l.expiresAt.getTime() < t;
  }

  private forgetOldDecisions(): void {
    const cutoff = this.now() - RECENT_MS;
    for (const [id, at] of this.recentlyDecided) if (at < cutoff) this.recentlyDecided.delete(id);
  }

  // ------------------------------------------------------------- state ----

  private notify(tone: "info" | "warn" | "danger", text: string): void {
    this.set(S.addNotice(this.state, tone, text, `n${++this.noticeSeq}`));
  }

  private set(next: ReviewState): void {
    if (next === this.state) return;
    this.state = next;
    const id = next.buffer[0]?.handoff.item.id ?? null;
    if (id !== this.currentId) {
      this.currentId = id;
      this.shownAt = this.now();
    }
    for (const l of this.listeners) l();
    // Saved right after the current task (the keypress paints first); flushed on pagehide.
    this.saveTimer ??= setTimeout(() => this.flush(), 0);
  }

  /** Writes the state to storage now (pagehide, stop); false when it could not be written. */
  flush(): boolean {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    return this.storage.save(this.state);
  }
}
