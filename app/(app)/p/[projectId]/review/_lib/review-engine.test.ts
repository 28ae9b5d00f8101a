/**
 * The review engine against a scripted transport: decisions never wait on
 * the network, the outbox sends in order with the same idempotency key on
 * retry, undo works before and after sending, CONFLICT drops, a deleted
 * category brings the item back, and 401 keeps everything until logged in.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TRPCClientError } from "@trpc/client";
import { BUFFER_TARGET, ReviewEngine } from "./review-engine";
import type { ReviewStorage } from "./review-storage";
import type { Handoff, NextResult, ReviewState, ReviewTransport, SubmitInput } from "./review-types";
import { numberedChoices } from "./review-choices";

vi.mock("@/app/_lib/session-expiry", () => ({ reportSessionExpired: vi.fn(), clearSessionExpired: vi.fn() }));

function handoff(id: number, opts: { top?: number[] } = {}): Handoff {
  const top = opts.top ?? [100 + (id % 3), 200, 300];
  return {
    lease: { token: `00000000-0000-4000-8000-${String(id).padStart(12, "0")}`, expiresAt: new Date(Date.now() + 600_000) },
    item: { id, externalId: `e${id}`, title: `Item ${id}`, description: null, attributes: {} },
    pick: { reason: "uncertain", strategy: "margin", score: 0.04 },
    prediction: { modelVersionId: 1, confidence: 0.5, margin: 0.04, entropy: 1, top: top.map((c, i) => ({ categoryId: c, path: `Cat ${c}`, deleted: false, prob: 0.5 - i * 0.2 })) },
    currentLabel: null,
    neighbours: { basis: "title", items: [{ itemId: 9000 + id, title: "n", similarity: 0.5, label: { categoryId: 400, path: "Cat 400", deleted: false, source: "human" } }] },
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
  transport: ReviewTransport = {
    next: async (n): Promise<NextResult> => {
      const own = [...this.held];
      const fresh = this.nextIds.splice(0, Math.max(0, n - own.length));
      fresh.forEach((id) => this.held.add(id));
      const items = [...own, ...fresh].map((id) => handoff(id));
      return items.length ? { status: "ok", leasedByOthers: 0, earliestExpiry: null, items } : { status: "done", leasedByOthers: 0, earliestExpiry: null, items: [] };
    },
    submit: async (input) => {
      this.submits.push(input.idempotencyKey);
      const f = this.failNext.shift();
      if (f) throw f;
      if (!this.stored.has(input.idempotencyKey)) this.stored.set(input.idempotencyKey, { ...input, projectId: 1 });
      this.held.delete(input.itemId);
      return { annotationId: this.stored.size, itemId: input.itemId, action: input.action, categoryId: input.categoryId ?? null, label: null, createdAt: new Date() };
    },
    undo: async (input) => {
      const f = this.failNext.shift();
      if (f) throw f;
      this.undos.push(input.annotationId!);
      const itemId = [...this.stored.values()][input.annotationId! - 1]!.itemId;
      this.held.add(itemId);
      return { undoAnnotationId: 999, undoneAnnotationId: input.annotationId!, itemId, restoredLabel: null, lease: { token: "11111111-1111-4111-8111-111111111111", expiresAt: new Date() } };
    },
    extend: async (tokens) => ({ extended: tokens.map((t, i) => ({ itemId: i, token: t, expiresAt: new Date(Date.now() + 600_000) })), lost: [] }),
    release: (tokens) => void this.released.push(...tokens),
  };
}

function memoryStorage(): ReviewStorage & { saved: ReviewState | null } {
  const s = {
    saved: null as ReviewState | null,
    load: () => s.saved,
    save: (st: ReviewState) => void (s.saved = st),
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
    const task = { handoff: handoff(1, { top: [100, 200, 300] }), lease: { kind: "token" as const, token: "t", expiresAt: new Date() }, spentMs: 0 };
    const c = numberedChoices(task, [{ categoryId: 200, path: "Cat 200" }, { categoryId: 500, path: "Cat 500" }], null);
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
    const audit: Handoff = { ...h, pick: { ...h.pick, reason: "audit", score: null }, currentLabel: { categoryId: 300, path: "Cat 300", deleted: false, source: "auto", updatedAt: new Date() } };
    const c = numberedChoices({ handoff: audit, lease: { kind: "token", token: "t", expiresAt: new Date() }, spentMs: 0 }, [], null);
    expect(c.map((x) => [x.categoryId, x.isSuggestion])).toEqual([
      [300, true],
      [100, false],
      [200, false],
      [400, false],
    ]);
  });
});
