/**
 * The review engine against a scripted transport: decisions never wait on
 * the network, the outbox sends in order with the same idempotency key on
 * retry, undo works before and after sending, CONFLICT drops, a deleted
 * category brings the item back, and 401 keeps everything until logged in.
 * Two tabs of one project keep separate outboxes; a closed tab's outbox is
 * adopted by a live one and every decision is stored exactly once.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TRPCClientError } from "@trpc/client";
import { BUFFER_TARGET, ReviewEngine } from "./review-engine";
import superjson from "superjson";
import * as S from "./review-state";
import {
  heartbeats,
  memoryStore,
  openTabStorage,
  storageKey,
  tabKey,
  webLocks,
  type KeyValueStore,
  type LockRequester,
  type ReviewStorage,
  type TabEnv,
  type TabStorage,
} from "./review-storage";
import type { Handoff, NextResult, ReviewState, ReviewTransport, SubmitInput } from "./review-types";
import { numberedChoices } from "./review-choices";

vi.mock("@/app/_lib/session-expiry", () => ({ reportSessionExpired: vi.fn(), clearSessionExpired: vi.fn() }));

function handoff(id: number, opts: { top?: number[] } = {}): Handoff {
  const top = opts.top ?? [100 + (id % 3), 200, 300];
  return {
    lease: {
      token: `00000000-0000-4000-8000-${String(id).padStart(12, "0")}`,
      expiresAt: new Date(Date.now() + 600_000),
    },
    item: { id, externalId: `e${id}`, title: `Item ${id}`, description: null, attributes: {} },
    pick: { reason: "uncertain", strategy: "margin", score: 0.04 },
    suspect: null,
    prediction: {
      modelVersion: 1,
      modelVersionId: 1,
      confidence: 0.5,
      margin: 0.04,
      entropy: 1,
      top: top.map((c, i) => ({ categoryId: c, path: `Cat ${c}`, deleted: false, prob: 0.5 - i * 0.2 })),
      ancestors: [],
    },
    currentLabel: null,
    neighbours: {
      basis: "title",
      items: [
        {
          itemId: 9000 + id,
          title: "n",
          similarity: 0.5,
          label: { categoryId: 400, path: "Cat 400", deleted: false, source: "human" },
        },
      ],
    },
    history: [],
  };
}

function trpcError(code: string, details?: unknown): TRPCClientError<never> {
  const e = new TRPCClientError<never>("refused");
  Object.assign(e, { data: { code, details } });
  return e;
}

class FakeServer {
  nextIds: number[] = Array.from({ length: 40 }, (_, i) => i + 1);
  stored = new Map<string, SubmitInput>();
  submits: string[] = [];
  failNext: unknown[] = [];
  undos: number[] = [];
  released: string[] = [];
  held = new Set<number>();
  /** Every call fails as a fetch does without network. */
  offline = false;
  private net(): void {
    if (this.offline) throw new TypeError("Failed to fetch");
  }
  transport: ReviewTransport = {
    next: async (n): Promise<NextResult> => {
      this.net();
      const own = [...this.held];
      const fresh = this.nextIds.splice(0, Math.max(0, n - own.length));
      fresh.forEach((id) => this.held.add(id));
      const items = [...own, ...fresh].map((id) => handoff(id));
      return items.length
        ? { status: "ok", leasedByOthers: 0, earliestExpiry: null, items }
        : { status: "done", leasedByOthers: 0, earliestExpiry: null, items: [] };
    },
    submit: async (input) => {
      this.net();
      this.submits.push(input.idempotencyKey);
      const f = this.failNext.shift();
      if (f) throw f;
      if (!this.stored.has(input.idempotencyKey)) this.stored.set(input.idempotencyKey, { ...input, projectId: 1 });
      this.held.delete(input.itemId);
      return {
        annotationId: this.stored.size,
        itemId: input.itemId,
        action: input.action,
        categoryId: input.categoryId ?? null,
        label: null,
        createdAt: new Date(),
      };
    },
    undo: async (input) => {
      this.net();
      const f = this.failNext.shift();
      if (f) throw f;
      this.undos.push(input.annotationId!);
      const itemId = [...this.stored.values()][input.annotationId! - 1]!.itemId;
      this.held.add(itemId);
      return {
        undoAnnotationId: 999,
        undoneAnnotationId: input.annotationId!,
        itemId,
        restoredLabel: null,
        lease: { token: "11111111-1111-4111-8111-111111111111", expiresAt: new Date() },
      };
    },
    extend: async (tokens) => {
      this.net();
      return {
        extended: tokens.map((t, i) => ({ itemId: i, token: t, expiresAt: new Date(Date.now() + 600_000) })),
        lost: [],
      };
    },
    release: (tokens) => void this.released.push(...tokens),
  };
}

function memoryStorage(): ReviewStorage & { saved: ReviewState | null } {
  const s = {
    saved: null as ReviewState | null,
    load: () => s.saved,
    save: (st: ReviewState) => {
      s.saved = st;
      return true;
    },
    clear: () => void (s.saved = null),
  };
  return s;
}

const settle = async () => {
  for (let i = 0; i < 20; i++) await vi.advanceTimersByTimeAsync(5);
};

describe("review engine", () => {
  let server: FakeServer;
  let storage: ReturnType<typeof memoryStorage>;
  let engine: ReviewEngine;

  beforeEach(async () => {
    vi.useFakeTimers();
    server = new FakeServer();
    storage = memoryStorage();
    engine = new ReviewEngine({ transport: server.transport, storage });
    engine.start();
    await settle();
  });
  afterEach(() => {
    engine.stop();
    vi.useRealTimers();
  });

  it("prefetches a buffer and shows the next item synchronously on a decision", async () => {
    expect(engine.getState().buffer.length).toBe(BUFFER_TARGET);
    const first = engine.getState().buffer[0]!.handoff.item.id;
    engine.decide("accept");
    // Same tick, no await: the next item is already current.
    expect(engine.getState().buffer[0]!.handoff.item.id).not.toBe(first);
    expect(engine.getState().outbox).toHaveLength(1);
    await settle();
    expect(engine.getState().outbox).toHaveLength(0);
    expect(server.stored.size).toBe(1);
  });

  it("refills in the background and never shows a decided item again", async () => {
    const decided: number[] = [];
    for (let i = 0; i < 20; i++) {
      decided.push(engine.getState().buffer[0]!.handoff.item.id);
      engine.decide(i % 2 ? "reject" : "accept");
      if (i % 3 === 0) await settle();
    }
    await settle();
    const shown = engine.getState().buffer.map((t) => t.handoff.item.id);
    expect(shown.some((id) => decided.includes(id))).toBe(false);
    expect(shown.length).toBeGreaterThan(3);
    expect(server.stored.size).toBe(20);
  });

  it("retries network failures with the same idempotency key, in order, exactly once stored", async () => {
    server.failNext = [new TypeError("fetch failed"), new TypeError("fetch failed")];
    engine.decide("accept");
    engine.decide("skip");
    await settle();
    expect(engine.getState().offline).toBe(true);
    await vi.advanceTimersByTimeAsync(5_000);
    await settle();
    expect(server.stored.size).toBe(2);
    // Both sent together, both failed, both re-sent with their own keys.
    expect(server.submits).toHaveLength(4);
    expect(new Set(server.submits).size).toBe(2);
    expect(engine.getState().offline).toBe(false);
  });

  it("undoes locally before sending and through the server after", async () => {
    server.failNext = [new TypeError("offline")];
    const id = engine.getState().buffer[0]!.handoff.item.id;
    engine.decide("accept");
    await settle(); // failed once, queued for retry
    engine.undo();
    expect(engine.getState().buffer[0]!.handoff.item.id).toBe(id);
    expect(engine.getState().outbox).toHaveLength(0);

    engine.decide("accept");
    await settle();
    expect(server.stored.size).toBe(1);
    engine.undo();
    expect(engine.getState().buffer[0]!.handoff.item.id).toBe(id);
    // Decided again before the undo is acknowledged: sent with the lease the undo returns.
    engine.decide("reject");
    await settle();
    expect(server.undos).toEqual([1]);
    const last = [...server.stored.values()].pop()!;
    expect(last).toMatchObject({ itemId: id, action: "reject", leaseToken: "11111111-1111-4111-8111-111111111111" });
  });

  it("drops a decision whose lease was lost, with a notice", async () => {
    server.failNext = [trpcError("CONFLICT")];
    engine.decide("accept");
    await settle();
    expect(engine.getState().outbox).toHaveLength(0);
    expect(engine.getState().history).toHaveLength(0);
    expect(engine.getState().notices.at(-1)?.tone).toBe("warn");
  });

  it("brings the item back to pick again when its category was deleted", async () => {
    const id = engine.getState().buffer[0]!.handoff.item.id;
    server.failNext = [trpcError("BAD_REQUEST", { deletedCategories: [{ id: 200, path: "Cat 200" }] })];
    engine.decide("correct", { id: 200, path: "Cat 200" });
    await settle();
    const back = engine.getState().buffer[0]!;
    expect(back.handoff.item.id).toBe(id);
    expect(back.repick?.deletedPaths).toEqual(["Cat 200"]);
    const choices = numberedChoices(back, [], null);
    expect(choices.find((c) => c.categoryId === 200)?.available).toBe(false);
  });

  it("keeps decisions through a 401 and sends them once logged in again", async () => {
    server.failNext = [trpcError("UNAUTHORIZED")];
    engine.decide("accept");
    await settle();
    expect(engine.getState().authExpired).toBe(true);
    expect(engine.getState().outbox).toHaveLength(1);
    // Reloaded while logged out: the outbox comes back from storage.
    engine.stop();
    const again = new ReviewEngine({ transport: server.transport, storage });
    expect(again.getState().outbox).toHaveLength(1);
    again.start();
    await vi.advanceTimersByTimeAsync(5_000);
    await settle();
    expect(again.getState().outbox).toHaveLength(0);
    expect(server.stored.size).toBe(1);
    again.stop();
  });

  it("gives prefetched leases back on leaving but keeps the item on screen", async () => {
    const current = engine.getState().buffer[0]!.handoff.item.id;
    engine.releaseExtras();
    expect(server.released).toHaveLength(BUFFER_TARGET - 1);
    expect(engine.getState().buffer.map((t) => t.handoff.item.id)).toEqual([current]);
    expect(storage.saved?.buffer.map((t) => t.handoff.item.id)).toEqual([current]);
  });
});

describe("numbered choices", () => {
  it("lists the model's top-k, then neighbours' categories, each once", () => {
    const task = {
      handoff: handoff(1, { top: [100, 200, 300] }),
      lease: { kind: "token" as const, token: "t", expiresAt: new Date() },
      spentMs: 0,
    };
    const c = numberedChoices(
      task,
      [
        { categoryId: 200, path: "Cat 200" },
        { categoryId: 500, path: "Cat 500" },
      ],
      null,
    );
    expect(c.map((x) => [x.key, x.categoryId, x.source])).toEqual([
      ["1", 100, "model"],
      ["2", 200, "model"],
      ["3", 300, "model"],
      ["4", 400, "neighbour"],
      ["5", 500, "recent"],
    ]);
    expect(c[0]!.isSuggestion).toBe(true);
  });

  it("offers the audited auto label first: Enter confirms it, not the model's newer top suggestion", () => {
    const h = handoff(2, { top: [100, 200, 300] });
    const audit: Handoff = {
      ...h,
      pick: { ...h.pick, reason: "audit", score: null },
      currentLabel: { categoryId: 300, path: "Cat 300", deleted: false, source: "auto", updatedAt: new Date() },
    };
    const c = numberedChoices(
      { handoff: audit, lease: { kind: "token", token: "t", expiresAt: new Date() }, spentMs: 0 },
      [],
      null,
    );
    expect(c.map((x) => [x.categoryId, x.isSuggestion])).toEqual([
      [300, true],
      [100, false],
      [200, false],
      [400, false],
    ]);
  });
});

/** Web Locks as the browser grants them: exclusive, queued, `ifAvailable`, abortable while waiting. */
class FakeLocks implements LockRequester {
  private readonly held = new Set<string>();
  private readonly waiting = new Map<string, (() => void)[]>();
  async request(name: string, options: LockOptions, callback: (lock: Lock | null) => unknown): Promise<unknown> {
    if (this.held.has(name)) {
      if (options.ifAvailable) return callback(null);
      await new Promise<void>((resolve, reject) => {
        const queue = this.waiting.get(name) ?? [];
        this.waiting.set(name, queue);
        queue.push(resolve);
        options.signal?.addEventListener("abort", () => {
          queue.splice(queue.indexOf(resolve), 1);
          reject(new DOMException("aborted", "AbortError"));
        });
      });
    }
    this.held.add(name);
    try {
      return await callback({ name, mode: "exclusive" } as Lock);
    } finally {
      const next = this.waiting.get(name)?.shift();
      if (next) next();
      else this.held.delete(name);
    }
  }
}

/** One origin's localStorage shared by tabs, with the `storage` event going to the other tabs. */
class Browser {
  readonly shared = memoryStore();
  readonly locks = new FakeLocks();
  private readonly listeners = new Map<number, (key: string | null) => void>();
  private seq = 0;
  env(session: Pick<Storage, "getItem" | "setItem"> | null): TabEnv {
    const me = ++this.seq;
    const tell = (key: string) => this.listeners.forEach((l, who) => who !== me && l(key));
    const shared = this.shared;
    const store: KeyValueStore = {
      getItem: (k) => shared.getItem(k),
      setItem: (k, v) => (shared.setItem(k, v), tell(k)),
      removeItem: (k) => (shared.removeItem(k), tell(k)),
      key: (i) => shared.key(i),
      get length() {
        return shared.length;
      },
    };
    return {
      store,
      session,
      liveness: webLocks(this.locks, 10),
      listen: (l) => {
        this.listeners.set(me, l);
        return () => this.listeners.delete(me);
      },
    };
  }
  keys(): string[] {
    return Array.from({ length: this.shared.length }, (_, i) => this.shared.key(i)!);
  }
}

const sessionStore = (): Pick<Storage, "getItem" | "setItem"> => memoryStore();

describe("review engine in two tabs of one project", () => {
  const base = storageKey(7, 3);
  let server: FakeServer;
  let browser: Browser;
  const open: { engine: ReviewEngine; storage: TabStorage }[] = [];

  async function openTab(session = sessionStore()) {
    // A tab whose id is taken waits a moment for the lock (10 ms here) before it picks another.
    const opening = openTabStorage(base, browser.env(session));
    await vi.advanceTimersByTimeAsync(20);
    const storage = await opening;
    const engine = new ReviewEngine({ transport: server.transport, storage });
    engine.start();
    await settle();
    const tab = { engine, storage, session };
    open.push(tab);
    return tab;
  }
  /** The tab goes away: pagehide saves, the page's locks are released. */
  function close(tab: { engine: ReviewEngine; storage: TabStorage }) {
    tab.engine.stop();
    tab.storage.release();
  }
  const current = (e: ReviewEngine) => e.getState().buffer[0]!.handoff.item.id;

  beforeEach(() => {
    vi.useFakeTimers();
    server = new FakeServer();
    browser = new Browser();
  });
  afterEach(() => {
    open.splice(0).forEach(close);
    vi.useRealTimers();
  });

  it("keeps each tab's offline decisions under its own key; a closed tab's are sent by the other, each stored once", async () => {
    const a = await openTab();
    const b = await openTab();
    expect(a.storage.key).not.toBe(b.storage.key);
    // The server hands the same user's leases to both tabs.
    expect(current(b.engine)).toBe(current(a.engine));
    server.offline = true;
    const decided: number[] = [];
    for (let i = 0; i < 3; i++) {
      decided.push(current(a.engine));
      a.engine.decide("reject");
      await settle();
    }
    // What tab A decided left tab B's screen: deciding it twice would be refused.
    expect(decided).not.toContain(current(b.engine));
    for (let i = 0; i < 3; i++) {
      decided.push(current(b.engine));
      b.engine.decide("skip");
      await settle();
    }
    expect(new Set(decided).size).toBe(6);
    expect(decided.slice(3)).not.toContain(current(a.engine));
    expect(a.engine.getState().outbox).toHaveLength(3);
    expect(b.engine.getState().outbox).toHaveLength(3);
    // Each tab's outbox is in storage; neither overwrote the other.
    const saved = (key: string) =>
      S.adoptOrphan(S.initialState(0), superjson.parse<S.Persisted>(browser.shared.getItem(key)!)).outbox.length;
    expect([saved(a.storage.key), saved(b.storage.key)]).toEqual([3, 3]);

    // A live tab's outbox is never taken.
    await a.engine.adoptOrphans();
    expect(a.engine.getState().outbox).toHaveLength(3);

    close(b);
    open.splice(open.indexOf(b), 1);
    server.offline = false;
    a.engine.retryNow();
    await vi.advanceTimersByTimeAsync(60_000);
    await settle();
    expect(a.engine.getState().outbox).toHaveLength(0);
    expect([...server.stored.values()].map((x) => x.itemId).sort((x, y) => x - y)).toEqual(
      [...decided].sort((x, y) => x - y),
    );
    expect(server.stored.size).toBe(6);
    expect(browser.keys()).toEqual([a.storage.key]);
    expect(a.engine.getState().notices.some((n) => n.text.includes("3 decisions left in a closed tab"))).toBe(true);
  });

  it("finds its own state after a reload, while a duplicated tab gets a key of its own", async () => {
    const session = sessionStore();
    const a = await openTab(session);
    server.offline = true;
    a.engine.decide("accept");
    await settle();
    // Duplicating a tab copies its sessionStorage, so the copy starts with the same id.
    const copy = sessionStore();
    copy.setItem("loupe.review.tab", session.getItem("loupe.review.tab")!);
    const dup = await openTab(copy);
    expect(dup.storage.key).not.toBe(a.storage.key);
    expect(dup.engine.getState().outbox).toHaveLength(0);

    close(a);
    open.splice(open.indexOf(a), 1);
    const reloaded = await openTab(session);
    expect(reloaded.storage.key).toBe(a.storage.key);
    expect(reloaded.engine.getState().outbox).toHaveLength(1);
  });

  it("migrates the single key of earlier versions once: the outbox, the draft and the undo history", async () => {
    const old = new ReviewEngine({ transport: server.transport, storage: memoryStorage() });
    old.start();
    await settle();
    server.offline = true;
    const first = current(old);
    old.decide("accept");
    old.decide("reject");
    await settle();
    const draft = current(old);
    const { buffer, outbox, history, acked, undoLeases, session } = old.getState();
    old.stop();
    browser.shared.setItem(base, superjson.stringify({ buffer, outbox, history, acked, undoLeases, session }));

    const a = await openTab();
    expect(browser.shared.getItem(base)).toBeNull();
    expect(a.engine.getState().outbox.map((o) => o.itemId)).toEqual([first, outbox[1]!.itemId]);
    expect(current(a.engine)).toBe(draft);
    expect(a.engine.getState().history).toHaveLength(2);
    const b = await openTab();
    expect(b.engine.getState().outbox).toHaveLength(0);
    server.offline = false;
    a.engine.retryNow();
    await vi.advanceTimersByTimeAsync(60_000);
    await settle();
    expect(server.stored.size).toBe(2);
  });

  it("sends an undo made while its decision was in flight", () => {
    const task = {
      handoff: handoff(5),
      lease: { kind: "token" as const, token: "t", expiresAt: new Date() },
      spentMs: 0,
    };
    let s = S.decide(
      { ...S.initialState(0), buffer: [task] },
      { action: "accept", category: null, key: "d1", now: 1, shownAt: 0 },
    );
    s = S.markSending(s, "d1");
    s = S.undo(s, { key: "u1" }).state;
    s = S.ackSubmit(s, "d1", 41);
    expect(s.acked).toEqual({ d1: 41 });
    expect(s.outbox.map((o) => o.kind)).toEqual(["undo"]);
  });
});

describe("tab liveness without Web Locks", () => {
  it("takes a tab for gone once its heartbeat is three minutes old", async () => {
    vi.useFakeTimers();
    try {
      const store = memoryStore();
      let t = 0;
      const live = heartbeats(store, () => t);
      const name = tabKey(storageKey(1, 1), "abc");
      const release = await live.hold(name);
      expect(release).not.toBeNull();
      const ran: number[] = [];
      await live.ifGone(name, () => ran.push(1));
      t = 10 * 60_000;
      await vi.advanceTimersByTimeAsync(20_000); // still beating
      await live.ifGone(name, () => ran.push(2));
      expect(ran).toEqual([]);
      vi.clearAllTimers(); // the page died without releasing
      t += 3 * 60_000 + 1;
      await live.ifGone(name, () => ran.push(3));
      expect(ran).toEqual([3]);
    } finally {
      vi.useRealTimers();
    }
  });
});
