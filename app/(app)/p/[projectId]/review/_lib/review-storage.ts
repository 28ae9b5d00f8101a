/**
 * The outbox, the undo history and the item on screen, kept in localStorage
 * per user, project and browser tab, so a reload, a crash or an expired
 * session loses nothing. superjson keeps the Dates of the handoff context.
 *
 * Per tab, because two tabs writing one key overwrite each other's outbox
 * (the UI shows a decision as done once it is in the outbox). A tab's id
 * lives in sessionStorage, so a reload finds its own state. Each live tab
 * holds a lock named after its key (Web Locks) for as long as it lives; a
 * tab that can take another tab's lock knows that tab is gone and adopts its
 * outbox (the idempotency keys make a double send harmless). Without Web
 * Locks (plain http is not a secure context) heartbeats in localStorage
 * stand in. The pre-tab key (one per user and project) is adopted like a
 * closed tab's, once.
 */
import superjson from "superjson";
import { newKey } from "./review-errors";
import { initialState, type Persisted } from "./review-state";
import type { ReviewState } from "./review-types";

const VERSION = 1;
/** A session idle this long starts a new "this session" count. */
const SESSION_IDLE_MS = 30 * 60_000;
const TAB_ID_KEY = "loupe.review.tab";
/** A reload's old page may still be letting go of its lock, or another tab adopting it right now. */
const OWN_LOCK_WAIT_MS = 2_000;
const HEARTBEAT_MS = 20_000;
/** Without Web Locks: silent this long means gone (hidden tabs' timers may run once a minute). */
const GONE_AFTER_MS = 3 * 60_000;

/** The key of one user's review of one project; before tabs had their own, the only key. */
export const storageKey = (userId: number, projectId: number) => `loupe.review.v${VERSION}.u${userId}.p${projectId}`;
export const tabKey = (base: string, tabId: string) => `${base}.t${tabId}`;

export type ReviewStorage = {
  load: () => ReviewState | null;
  /** False when nothing was written (quota, privacy mode, released). */
  save: (s: ReviewState) => boolean;
  clear: () => void;
  /**
   * Hands the saved state of every review tab that is gone to `take`, which
   * must have saved what it keeps when it returns true; the orphan is deleted
   * only then. Resolves to the number of ops adopted.
   */
  adoptOrphans?: (take: (orphan: Persisted) => boolean) => Promise<number>;
  /** Items in the outboxes of this user's other tabs of the project. */
  pendingElsewhere?: () => Set<number>;
  /** Calls back when another tab's saved state changes; returns the unsubscribe. */
  watchOthers?: (onChange: () => void) => () => void;
};

export type KeyValueStore = Pick<Storage, "getItem" | "setItem" | "removeItem" | "key" | "length">;

/** Whether a tab is alive: by Web Locks, or by heartbeats where there are none. */
export type TabLiveness = {
  /** Holds `name` while this page lives; resolves to its release, or null when a live tab holds it. */
  hold: (name: string) => Promise<(() => void) | null>;
  /** Runs `fn` when no live page holds `name`, keeping other tabs from doing the same meanwhile. */
  ifGone: (name: string, fn: () => void) => Promise<void>;
};

export type LockRequester = {
  request: (name: string, options: LockOptions, callback: (lock: Lock | null) => unknown) => Promise<unknown>;
};

export function webLocks(locks: LockRequester, waitMs = OWN_LOCK_WAIT_MS): TabLiveness {
  return {
    hold: (name) =>
      new Promise((resolve) => {
        const abort = new AbortController();
        const timer = setTimeout(() => abort.abort(), waitMs);
        locks
          .request(name, { signal: abort.signal }, () => {
            clearTimeout(timer);
            return new Promise<void>((release) => resolve(() => release()));
          })
          .catch(() => resolve(null));
      }),
    ifGone: async (name, fn) => {
      await locks.request(name, { ifAvailable: true }, (lock) => {
        if (lock) fn();
      });
    },
  };
}

export function heartbeats(store: KeyValueStore, now: () => number = Date.now): TabLiveness {
  const beatKey = (name: string) => `${name}.alive`;
  return {
    hold: async (name) => {
      const beat = () => trySet(store, beatKey(name), String(now()));
      beat();
      const timer = setInterval(beat, HEARTBEAT_MS);
      return () => {
        clearInterval(timer);
        store.removeItem(beatKey(name));
      };
    },
    ifGone: async (name, fn) => {
      const at = Number(store.getItem(beatKey(name)) ?? 0);
      if (now() - at < GONE_AFTER_MS) return;
      fn();
      store.removeItem(beatKey(name));
    },
  };
}

export type TabEnv = {
  store: KeyValueStore;
  /** Where the tab id survives a reload; null: a new id every time. */
  session: Pick<Storage, "getItem" | "setItem"> | null;
  liveness: TabLiveness;
  /** Calls back with the key another page changed (the `storage` event). */
  listen?: (onKey: (key: string | null) => void) => () => void;
  now?: () => number;
};

export type TabStorage = ReviewStorage & { key: string; release: () => void };

/** Claims this tab's key (a fresh id when a duplicated tab brought ours along) and returns its storage. */
export async function openTabStorage(base: string, env: TabEnv): Promise<TabStorage> {
  const now = env.now ?? Date.now;
  const { key, release } = await claimTabKey(base, env);
  const { store } = env;
  let released = false;
  const isSibling = (k: string) => k !== key && (k === base || (k.startsWith(`${base}.t`) && !k.endsWith(".alive")));
  const siblings = () => {
    const out: string[] = [];
    for (let i = 0; i < store.length; i++) {
      const k = store.key(i);
      if (k !== null && isSibling(k)) out.push(k);
    }
    return out;
  };
  return {
    key,
    load: () => parsePersisted(safely(() => store.getItem(key)) ?? null, now),
    save: (s) => !released && trySet(store, key, serialize(s)),
    clear: () => store.removeItem(key),
    release: () => {
      released = true;
      release?.();
    },
    adoptOrphans: async (take) => {
      let adopted = 0;
      for (const k of siblings()) {
        await env.liveness
          .ifGone(k, () => {
            const orphan = parsePersisted(store.getItem(k), now);
            if (orphan && !take(orphan)) return;
            adopted += orphan?.outbox.length ?? 0;
            store.removeItem(k);
          })
          .catch(() => {
            // Left in storage for the next try.
          });
      }
      return adopted;
    },
    pendingElsewhere: () => {
      const ids = new Set<number>();
      for (const k of siblings())
        for (const op of parsePersisted(safely(() => store.getItem(k)) ?? null, now)?.outbox ?? [])
          if (op.kind === "submit") ids.add(op.itemId);
      return ids;
    },
    watchOthers: (onChange) => env.listen?.((k) => (k === null || isSibling(k)) && onChange()) ?? (() => {}),
  };
}

async function claimTabKey(base: string, env: TabEnv): Promise<{ key: string; release: (() => void) | null }> {
  let tabId = safely(() => env.session?.getItem(TAB_ID_KEY)) ?? newTabId();
  let release = await env.liveness.hold(tabKey(base, tabId));
  for (let i = 0; release === null && i < 3; i++) {
    tabId = newTabId();
    release = await env.liveness.hold(tabKey(base, tabId));
  }
  safely(() => env.session?.setItem(TAB_ID_KEY, tabId));
  return { key: tabKey(base, tabId), release };
}

/** The browser's storage, locks and events; an in-memory store where localStorage is refused. */
export function browserTabEnv(): TabEnv {
  const store = safely(() => window.localStorage) ?? memoryStore();
  const locks = typeof navigator !== "undefined" ? (navigator.locks as LockManager | undefined) : undefined;
  return {
    store,
    session: safely(() => window.sessionStorage) ?? null,
    liveness: locks ? webLocks(locks) : heartbeats(store),
    listen: (onKey) => {
      const h = (e: StorageEvent) => onKey(e.key);
      window.addEventListener("storage", h);
      return () => window.removeEventListener("storage", h);
    },
  };
}

export function memoryStore(): KeyValueStore {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, String(v)),
    removeItem: (k) => void m.delete(k),
    key: (i) => [...m.keys()][i] ?? null,
    get length() {
      return m.size;
    },
  };
}

function serialize(s: ReviewState): string {
  const p: Persisted = {
    buffer: s.buffer,
    outbox: s.outbox,
    history: s.history,
    acked: s.acked,
    undoLeases: s.undoLeases,
    session: s.session,
  };
  return superjson.stringify(p);
}

/** A saved state as a fresh page starts from it: ops in flight when the page went away are queued again. */
export function parsePersisted(raw: string | null, now: () => number = Date.now): ReviewState | null {
  if (!raw) return null;
  try {
    const p = superjson.parse<Persisted>(raw);
    if (!Array.isArray(p.buffer) || !Array.isArray(p.outbox) || !Array.isArray(p.history)) return null;
    const base = initialState(now());
    const last = p.session.decidedAt[p.session.decidedAt.length - 1] ?? p.session.startedAt;
    const session = now() - last > SESSION_IDLE_MS ? base.session : p.session;
    // The idempotency key makes sending again safe.
    const outbox = p.outbox.map((o) => ({ ...o, state: "queued" as const }));
    return {
      ...base,
      buffer: p.buffer,
      outbox,
      history: p.history,
      acked: p.acked ?? {},
      undoLeases: p.undoLeases ?? {},
      session,
    };
  } catch {
    return null;
  }
}

function trySet(store: KeyValueStore, key: string, value: string): boolean {
  try {
    store.setItem(key, value);
    return true;
  } catch {
    // Quota or privacy mode: keep working in memory; the outbox still sends.
    return false;
  }
}

function safely<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch {
    return undefined;
  }
}

const newTabId = () => newKey().replaceAll("-", "").slice(0, 16);
