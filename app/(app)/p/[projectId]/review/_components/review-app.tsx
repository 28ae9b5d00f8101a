"use client";
/**
 * The review page: one item at a time, keyboard first. Decisions go to the
 * engine's outbox and the next (already leased and loaded) item is shown in
 * the same frame; the network catches up in the background.
 */
import { clientZone } from "@/lib/time";
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { useQuery } from "@tanstack/react-query";
import superjson from "superjson";
import { Button } from "@/app/_components/ui/button";
import { Alert } from "@/app/_components/ui/alert";
import { subscribeSessionExpired, isSessionExpired } from "@/app/_lib/session-expiry";
import { createTRPCClient, httpBatchLink, httpLink, splitLink } from "@trpc/client";
import type { AppRouter } from "@/server/routers/_app";
import { useTRPC } from "@/app/_lib/trpc/client";
import { ReviewEngine } from "../_lib/review-engine";
import {
  acceptedSuggestion,
  likelyParent,
  numberedChoices,
  offeredSuggestion,
  recentCategories,
  type NumberedChoice,
} from "../_lib/review-choices";
import { DigitMemory } from "../_lib/review-digits";
import { browserTabEnv, openTabStorage, storageKey } from "../_lib/review-storage";
import type { Action, HistoryEntry, ReviewTransport } from "../_lib/review-types";
import { CategorySearch, Kbd, type CategoryOption } from "./category-search";
import { ChoicesPanel, HistoryPanel, ItemPanel, NeighboursPanel } from "./task-view";
import { KeyLegend, Notices, QueueEmpty, SessionProgress } from "./review-status";

/** The performance.measure name the UI benchmark reads: keydown to the next item painted. */
export const NEXT_ITEM_MEASURE = "loupe:review:next-item";
const MAX_MEASURES = 5_000;

type Strategy = "least_confidence" | "margin" | "entropy" | "random";
type Props = {
  projectId: number;
  userId: number;
  hasModel: boolean;
  strategy: Strategy;
  /** Pool items in the project: none at all is its own empty state. */
  poolItems: number;
  initialCategories: CategoryOption[];
};

/** What the queue serves first, as the project's sampling strategy decides. */
const STRATEGY_LINE: Record<Strategy, string> = {
  margin: "Items whose top two categories are closest first.",
  least_confidence: "Items the model is least confident about first.",
  entropy: "Items the model is most uncertain about first.",
  random: "Items in random order (the project samples at random).",
};

const leafOf = (path: string) => path.split(" > ").pop() ?? path;

/** "Accepted Toasters", "Corrected to Toasters", "None fits", "Skipped". */
export function describeDecision(h: Pick<HistoryEntry, "action" | "categoryPath">): string {
  const cat = h.categoryPath ? leafOf(h.categoryPath) : "";
  if (h.action === "accept") return `Accepted ${cat}`.trim();
  if (h.action === "correct") return `Corrected to ${cat}`.trim();
  if (h.action === "reject") return "None fits";
  return "Skipped";
}

/**
 * The engine's own client: decisions go batched (one request per outbox
 * group), everything else alone, so loading the next items never waits
 * behind a batch of submits in the same HTTP response.
 */
function useReviewClient() {
  return useMemo(
    () =>
      createTRPCClient<AppRouter>({
        links: [
          splitLink({
            condition: (op) => op.path === "annotations.submit",
            true: httpBatchLink({ url: "/api/trpc", transformer: superjson, maxItems: 20 }),
            false: httpLink({ url: "/api/trpc", transformer: superjson }),
          }),
        ],
      }),
    [],
  );
}

export function ReviewApp(props: Props) {
  const client = useReviewClient();
  const [categories, setCategories] = useState(props.initialCategories);
  const [engine, setEngine] = useState<ReviewEngine | null>(null);
  const { projectId, userId } = props;

  const reloadCategories = useCallback(async () => {
    const all: CategoryOption[] = [];
    let cursor: number | undefined;
    for (let page = 0; page < 100; page++) {
      const r = await client.categories.list.query({ projectId, limit: 100, cursor });
      all.push(...r.categories.map((c) => ({ id: c.id, path: c.path })));
      if (r.nextCursor === null) break;
      cursor = r.nextCursor;
    }
    setCategories(all);
  }, [client, projectId]);

  // Built after mount: the engine lives on localStorage (this tab's key, claimed first), which the server render has not.
  useEffect(() => {
    let cancelled = false;
    let teardown: (() => void) | null = null;
    const transport: ReviewTransport = {
      next: (n, known) => client.queue.next.mutate({ projectId, n, known }),
      submit: (input) => client.annotations.submit.mutate({ ...input, projectId }),
      undo: (input) => client.annotations.undo.mutate({ ...input, projectId }),
      extend: (leaseTokens) => client.queue.extend.mutate({ projectId, leaseTokens }),
      release: (leaseTokens) => releaseKeepalive(projectId, leaseTokens),
    };
    void openTabStorage(storageKey(userId, projectId), browserTabEnv()).then((storage) => {
      if (cancelled) return storage.release();
      const e = new ReviewEngine({
        transport,
        storage,
        onCategoriesStale: () => void reloadCategories().catch(() => {}),
      });
      e.start();
      setEngine(e);
      const onHide = () => e.releaseExtras();
      const onShow = (ev: PageTransitionEvent) => ev.persisted && e.retryNow();
      const onVisible = () => (document.visibilityState === "visible" ? e.retryNow() : e.flush());
      const onOnline = () => e.retryNow();
      window.addEventListener("pagehide", onHide);
      window.addEventListener("pageshow", onShow);
      window.addEventListener("online", onOnline);
      window.addEventListener("focus", onOnline);
      document.addEventListener("visibilitychange", onVisible);
      // Logged in again in another tab and some other call succeeded: send now.
      const unsub = subscribeSessionExpired(() => !isSessionExpired() && e.retryNow());
      teardown = () => {
        window.removeEventListener("pagehide", onHide);
        window.removeEventListener("pageshow", onShow);
        window.removeEventListener("online", onOnline);
        window.removeEventListener("focus", onOnline);
        document.removeEventListener("visibilitychange", onVisible);
        unsub();
        e.stop();
        // Saved by stop; from now on another tab may adopt what is left.
        storage.release();
      };
    });
    return () => {
      cancelled = true;
      teardown?.();
    };
  }, [client, projectId, userId, reloadCategories]);

  if (!engine) return <p className="py-12 text-center text-sm text-muted">Loading your queue…</p>;
  return <ReviewSession engine={engine} categories={categories} {...props} />;
}

/** Same-origin JSON POST that outlives the page (pagehide), in tRPC's non-batched wire format. */
function releaseKeepalive(projectId: number, leaseTokens: string[]): void {
  void fetch("/api/trpc/queue.release", {
    method: "POST",
    keepalive: true,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(superjson.serialize({ projectId, leaseTokens })),
  }).catch(() => {
    // Best effort: unreleased leases expire by themselves.
  });
}

function isTextEntry(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  return (
    t.isContentEditable ||
    t instanceof HTMLInputElement ||
    t instanceof HTMLTextAreaElement ||
    t instanceof HTMLSelectElement
  );
}

function ReviewSession({
  engine,
  categories,
  projectId,
  hasModel,
  strategy,
  poolItems,
}: Props & { engine: ReviewEngine; categories: CategoryOption[] }) {
  const trpc = useTRPC();
  const state = useSyncExternalStore(engine.subscribe, engine.getState, engine.getState);
  const [searchOpen, setSearchOpen] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  const mainRef = useRef<HTMLDivElement>(null);
  const pendingMeasure = useRef<{ start: number; fromId: number } | null>(null);
  const stats = useQuery(trpc.queue.stats.queryOptions({ projectId, ...clientZone() }, { refetchInterval: 30_000 }));

  const task = state.buffer[0] ?? null;
  const live = useMemo(() => new Map(categories.map((c) => [c.id, c.path])), [categories]);
  const recent = useMemo(() => recentCategories(state.history), [state.history]);
  const [digits] = useState(() => new DigitMemory());
  const choices = useMemo(
    () => (task ? digits.assign(task.handoff.item.id, numberedChoices(task, recent, live)) : []),
    [task, recent, live, digits],
  );
  /** What the last undo took back, until the next decision. */
  const [undone, setUndone] = useState<string | null>(null);
  const undoLast = useCallback(() => {
    const last = engine.getState().history.at(-1);
    if (engine.undo() && last) setUndone(`Undid: ${describeDecision(last)} on “${last.task.handoff.item.title}”`);
  }, [engine]);
  const suggestion = offeredSuggestion(choices);

  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(t);
  }, []);
  useEffect(() => mainRef.current?.focus({ preventScroll: true }), []);

  // Keypress → next item painted: measured after the frame that shows it.
  const currentId = task?.handoff.item.id ?? null;
  useLayoutEffect(() => {
    const m = pendingMeasure.current;
    // An empty buffer keeps the measure running until an item arrives: that wait counts too.
    if (!m || currentId === m.fromId || currentId === null) return;
    pendingMeasure.current = null;
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (performance.getEntriesByName(NEXT_ITEM_MEASURE).length >= MAX_MEASURES)
          performance.clearMeasures(NEXT_ITEM_MEASURE);
        performance.measure(NEXT_ITEM_MEASURE, { start: m.start, end: performance.now() });
      }, 0),
    );
  }, [currentId]);

  const act = useCallback(
    (action: Action, category: { id: number; path: string } | null, startedAt: number) => {
      const from = engine.getState().buffer[0]?.handoff.item.id;
      if (from === undefined) return;
      if (engine.decide(action, category)) {
        pendingMeasure.current = { start: startedAt, fromId: from };
        setUndone(null);
      }
    },
    [engine],
  );

  const choose = useCallback(
    (c: NumberedChoice, startedAt: number) => {
      if (!c.available) return;
      act(c.isSuggestion ? "accept" : "correct", { id: c.categoryId, path: c.path }, startedAt);
    },
    [act],
  );

  const closeSearch = useCallback(() => {
    setSearchOpen(false);
    requestAnimationFrame(() => mainRef.current?.focus({ preventScroll: true }));
  }, []);

  const pickFromSearch = useCallback(
    (c: CategoryOption) => {
      const t = engine.getState().buffer[0];
      // Searching for the suggestion itself is still an accept.
      const isSuggestion = t !== undefined && !t.repick && acceptedSuggestion(t)?.categoryId === c.id;
      act(isSuggestion ? "accept" : "correct", c, performance.now());
      closeSearch();
    },
    [act, engine, closeSearch],
  );

  // The handler reads the engine's state at the keypress, never a render's closure: a key pressed
  // right after a new item painted (before effects re-ran) must act on that item and its choices.
  const latest = useRef({ searchOpen, live });
  latest.current = { searchOpen, live };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (latest.current.searchOpen || e.ctrlKey || e.metaKey || e.altKey || e.isComposing || isTextEntry(e.target))
        return;
      const onControl = e.target instanceof HTMLButtonElement || e.target instanceof HTMLAnchorElement;
      if (e.key === "Enter" && onControl) return;
      const t = e.timeStamp;
      const now = engine.getState();
      const current = now.buffer[0];
      const options = current
        ? digits.assign(
            current.handoff.item.id,
            numberedChoices(current, recentCategories(now.history), latest.current.live),
          )
        : [];
      if (e.key === "Enter") {
        const s = offeredSuggestion(options);
        if (s) choose(s, t);
      } else if (/^[1-9]$/.test(e.key)) {
        const c = options.find((x) => x.key === e.key);
        if (c) choose(c, t);
      } else if (e.key === "/") {
        if (current) {
          latest.current.searchOpen = true; // keys typed before the search box mounts decide nothing
          setSearchOpen(true);
        }
      } else if (e.key === "x" || e.key === "X") {
        act("reject", null, t);
      } else if (e.key === "s" || e.key === "S") {
        act("skip", null, t);
      } else if (e.key === "u" || e.key === "U") {
        undoLast();
      } else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [choose, act, engine, digits, undoLast]);

  const waiting = state.outbox.filter((o) => o.kind === "submit").length;
  const stamp = () => performance.now();
  const last = state.history.at(-1);
  const lastLine = undone ?? (last ? `Last: ${describeDecision(last)} (u to undo)` : "");
  return (
    <div ref={mainRef} tabIndex={-1} className="outline-none" aria-label="Review">
      <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-lg font-semibold tracking-tight">Review</h1>
          <p className="mt-0.5 text-sm text-muted">
            {hasModel
              ? `${STRATEGY_LINE[strategy]} Confirm or correct the model's suggestion.`
              : "No model yet: label a first sample so one can be trained."}
          </p>
        </div>
        <SessionProgress state={state} now={now} remaining={stats.data ? stats.data.remaining : null} />
      </div>
      {state.authExpired ? (
        <Alert tone="warn" className="mb-3" title="Your session has ended — nothing is lost">
          {waiting > 0
            ? `${waiting} decision${waiting === 1 ? " is" : "s are"} kept on this device`
            : "Your work is kept on this device"}{" "}
          and will be sent as soon as you log in again.
        </Alert>
      ) : null}
      <Notices notices={state.notices} onDismiss={(id) => engine.dismissNotice(id)} />
      {task?.repick ? (
        <Alert tone="warn" className="mt-3" title="Pick another category">
          {`“${task.repick.deletedPaths.join("”, “")}” was deleted while you were deciding. Your decision on this item was kept as a draft: choose again.`}
        </Alert>
      ) : null}
      <div className="mt-3 grid gap-4 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="min-w-0 space-y-4">
          {task ? (
            <>
              <ItemPanel task={task} />
              <ChoicesPanel task={task} choices={choices} onChoose={(c) => choose(c, stamp())} />
              {/* Sticky: with nine choices and a long description the buttons stay on a 900 px screen. */}
              <div
                className="sticky bottom-0 z-10 -mx-1 flex flex-wrap items-center gap-2 rounded-md border border-line bg-surface/95 px-1 py-2 shadow-xs backdrop-blur"
                role="group"
                aria-label="Decision"
              >
                <Button
                  variant="primary"
                  disabled={!suggestion}
                  onClick={() => suggestion && choose(suggestion, stamp())}
                >
                  Accept <Kbd>Enter</Kbd>
                </Button>
                <Button onClick={() => setSearchOpen(true)}>
                  Search categories <Kbd>/</Kbd>
                </Button>
                <Button onClick={() => act("reject", null, stamp())}>
                  None fits <Kbd>x</Kbd>
                </Button>
                <Button variant="ghost" onClick={() => act("skip", null, stamp())}>
                  Skip <Kbd>s</Kbd>
                </Button>
                <Button variant="ghost" disabled={state.history.length === 0} onClick={undoLast}>
                  Undo <Kbd>u</Kbd>
                </Button>
                <span className="min-w-0 truncate text-xs text-ink/80" data-testid="last-decision" aria-live="polite">
                  {lastLine}
                </span>
                <span
                  className="ml-auto text-xs text-muted"
                  data-testid="buffer-size"
                  data-loaded={Math.max(0, state.buffer.length - 1)}
                >
                  {state.buffer.length > 1 ? `${state.buffer.length - 1} more loaded` : ""}
                </span>
              </div>
            </>
          ) : (
            <>
              {lastLine ? (
                <p className="mb-2 text-xs text-ink/80" data-testid="last-decision">
                  {lastLine}
                </p>
              ) : null}
              <QueueEmpty queue={state.queue} waiting={waiting} hasModel={hasModel} poolItems={poolItems} />
            </>
          )}
        </div>
        <aside className="space-y-4" aria-label="Context">
          {task ? <NeighboursPanel task={task} /> : null}
          {task ? <HistoryPanel task={task} /> : null}
          <KeyLegend />
        </aside>
      </div>
      <p className="sr-only" aria-live="polite">
        {task ? `Now reviewing: ${task.handoff.item.title}` : ""}
      </p>
      {searchOpen && task ? (
        <CategorySearch
          categories={categories}
          recent={recent.map((r) => ({ id: r.categoryId, path: r.path }))}
          within={likelyParent(task)?.path ?? null}
          onPick={pickFromSearch}
          onClose={closeSearch}
        />
      ) : null}
    </div>
  );
}
