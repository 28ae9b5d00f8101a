/**
 * N annotators over HTTP: queue.next then annotations.submit for every item
 * handed out, until the time or decision bound. Every request is recorded with
 * its start time, so the report can separate the warm-up from the measured
 * window and show when slow requests happened. Every lease handed out is
 * recorded: an item handed to a second person while the first still holds a
 * live lease is a duplicate lease.
 */
import { randomUUID } from "node:crypto";
import { call, TrpcError, type Session } from "./api-client";

type Handoff = {
  lease: { token: string; expiresAt: string };
  item: { id: number; externalId: string };
  pick: { reason: string };
  prediction: { modelVersionId: number; top: { categoryId: number | null }[] } | null;
  currentLabel: { categoryId: number | null; source: string } | null;
};
type NextResult = { status: "ok" | "all_leased" | "done"; items: Handoff[] };

/** One request: which procedure, when it started (ms since the load began), how long it took. */
export type Sample = { proc: "next" | "submit"; at: number; ms: number; who: number };

export type LoadStats = {
  samples: Sample[];
  /** Decisions stored, with the start time of their submit. */
  decisionsAt: number[];
  statuses: Record<string, number>;
  errors: Record<string, number>;
  duplicateLeases: number;
  doubleDecisions: number;
  /** Wall time of the whole load (warm-up included). */
  seconds: number;
  /** Epoch ms at which the load began (sample times are relative to it): lines --samples up with server logs. */
  startedAtMs: number;
};

export type LoadOptions = {
  /** One web server, or several: annotator i talks to bases[i % length] (a load balancer with sticky sessions). */
  base: string | string[];
  projectId: number;
  sessions: Session[];
  truth: Map<string, number>;
  n: number;
  /** Warm-up, then the measured window; the load runs for their sum. */
  warmupSeconds: number;
  seconds: number;
  maxDecisions: number;
  thinkMs: number;
};

export async function runLoad(o: LoadOptions): Promise<LoadStats> {
  const s: LoadStats = {
    samples: [],
    decisionsAt: [],
    statuses: {},
    errors: {},
    duplicateLeases: 0,
    doubleDecisions: 0,
    seconds: 0,
    startedAtMs: 0,
  };
  const holder = new Map<number, { who: number; expires: number }>();
  const decided = new Set<number>();
  const t0 = performance.now();
  s.startedAtMs = performance.timeOrigin + t0;
  const now = () => performance.now() - t0;
  const endAt = (o.warmupSeconds + o.seconds) * 1000;
  const more = () => now() < endAt && s.decisionsAt.length < o.maxDecisions;
  const fail = (e: unknown) => {
    const code = e instanceof TrpcError ? e.code : (e as Error).name || "Error";
    s.errors[code] = (s.errors[code] ?? 0) + 1;
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  // People do not all press a key in the same second: starts are spread over
  // one think time (at least a second), as they would be in steady state.
  const spreadMs = Math.max(1000, o.thinkMs);

  const bases = Array.isArray(o.base) ? o.base : [o.base];
  const annotator = async (who: number, session: Session) => {
    const base = bases[who % bases.length]!;
    await sleep(Math.random() * spreadMs);
    while (more()) {
      let res: NextResult;
      const a = now();
      try {
        res = (await call<NextResult>(base, "queue.next", { projectId: o.projectId, n: o.n }, session)).data;
      } catch (e) {
        fail(e);
        await sleep(100);
        continue;
      }
      s.samples.push({ proc: "next", at: a, ms: now() - a, who });
      s.statuses[res.status] = (s.statuses[res.status] ?? 0) + 1;
      if (res.items.length === 0) {
        if (res.status === "done") return;
        await sleep(200);
        continue;
      }
      for (const it of res.items) {
        const h = holder.get(it.item.id);
        if (h && h.who !== who && h.expires > Date.now()) s.duplicateLeases++;
        holder.set(it.item.id, { who, expires: Date.parse(it.lease.expiresAt) || Date.now() + 600_000 });
      }
      for (const it of res.items) {
        if (!more()) break;
        if (o.thinkMs > 0) await sleep(o.thinkMs * (0.5 + Math.random()));
        // Time is up while this person was thinking: leave the lease (it expires), as a closed tab would.
        if (!more()) break;
        const truth = o.truth.get(it.item.externalId);
        const shown =
          it.pick.reason === "audit" && it.currentLabel?.source === "auto" ? it.currentLabel.categoryId : null;
        const suggested = shown ?? it.prediction?.top[0]?.categoryId ?? null;
        const accept = suggested !== null && suggested === truth;
        const b = now();
        try {
          await call(
            base,
            "annotations.submit",
            {
              projectId: o.projectId,
              itemId: it.item.id,
              leaseToken: it.lease.token,
              idempotencyKey: randomUUID(),
              action: accept ? "accept" : "correct",
              categoryId: accept ? undefined : truth,
              timeSpentMs: 3000,
              modelVersionId: it.prediction?.modelVersionId,
            },
            session,
          );
          s.samples.push({ proc: "submit", at: b, ms: now() - b, who });
          s.decisionsAt.push(b);
          if (decided.has(it.item.id) && it.pick.reason !== "audit" && it.pick.reason !== "overlap")
            s.doubleDecisions++;
          decided.add(it.item.id);
        } catch (e) {
          fail(e);
        }
        holder.delete(it.item.id);
      }
    }
  };
  await Promise.all(o.sessions.map((sess, i) => annotator(i, sess)));
  s.seconds = now() / 1000;
  return s;
}

export function percentile(xs: number[], q: number): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export type Dist = { count: number; p50: number | null; p99: number | null; max: number | null };
const dist = (xs: number[]): Dist => ({
  count: xs.length,
  p50: percentile(xs, 0.5),
  p99: percentile(xs, 0.99),
  max: percentile(xs, 1),
});

export type PhaseReport = {
  seconds: number;
  decisions: number;
  decisionsPerSecond: number;
  next: Dist;
  submit: Dist;
  all: Dist;
};

/** Requests that started in [fromMs, toMs): a request belongs to the phase it started in. */
export function phaseReport(s: LoadStats, fromMs: number, toMs: number): PhaseReport {
  const inPhase = s.samples.filter((x) => x.at >= fromMs && x.at < toMs);
  const decisions = s.decisionsAt.filter((t) => t >= fromMs && t < toMs).length;
  // Stopped early (decision bound, or the queue ran out): the phase ends with the load.
  const seconds = Math.max(0, Math.min(toMs, s.seconds * 1000) - fromMs) / 1000;
  return {
    seconds,
    decisions,
    decisionsPerSecond: seconds > 0 ? decisions / seconds : 0,
    next: dist(inPhase.filter((x) => x.proc === "next").map((x) => x.ms)),
    submit: dist(inPhase.filter((x) => x.proc === "submit").map((x) => x.ms)),
    all: dist(inPhase.map((x) => x.ms)),
  };
}

/** Per-second buckets (by start time): count, p50, p99, max. Shows where a tail comes from. */
export function timeline(
  s: LoadStats,
  bucketMs = 1000,
): { from: number; count: number; p50: number | null; p99: number | null; max: number | null }[] {
  const buckets = new Map<number, number[]>();
  for (const x of s.samples) {
    const k = Math.floor(x.at / bucketMs);
    const b = buckets.get(k) ?? [];
    b.push(x.ms);
    buckets.set(k, b);
  }
  return [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([k, xs]) => ({ from: (k * bucketMs) / 1000, ...dist(xs) }));
}
