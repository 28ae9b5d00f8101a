/**
 * N annotators over HTTP: queue.next then annotations.submit for every item
 * handed out, until the time or decision bound. Every lease handed out is
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

export type LoadStats = {
  decisions: number;
  nextMs: number[];
  submitMs: number[];
  statuses: Record<string, number>;
  errors: Record<string, number>;
  duplicateLeases: number;
  doubleDecisions: number;
  seconds: number;
};

export type LoadOptions = { base: string; projectId: number; sessions: Session[]; truth: Map<string, number>; n: number; seconds: number; maxDecisions: number; thinkMs: number };

export async function runLoad(o: LoadOptions): Promise<LoadStats> {
  const s: LoadStats = { decisions: 0, nextMs: [], submitMs: [], statuses: {}, errors: {}, duplicateLeases: 0, doubleDecisions: 0, seconds: 0 };
  const holder = new Map<number, { who: number; expires: number }>();
  const decided = new Set<number>();
  const t0 = performance.now();
  const deadline = Date.now() + o.seconds * 1000;
  const more = () => Date.now() < deadline && s.decisions < o.maxDecisions;
  const fail = (e: unknown) => {
    const code = e instanceof TrpcError ? e.code : (e as Error).name || "Error";
    s.errors[code] = (s.errors[code] ?? 0) + 1;
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const annotator = async (who: number, session: Session) => {
    // Spread the start over the first second so the run does not open with one thundering herd.
    await sleep(Math.random() * 1000);
    while (more()) {
      let res: NextResult;
      const a = performance.now();
      try {
        res = (await call<NextResult>(o.base, "queue.next", { projectId: o.projectId, n: o.n }, session)).data;
      } catch (e) {
        fail(e);
        await sleep(100);
        continue;
      }
      s.nextMs.push(performance.now() - a);
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
        const truth = o.truth.get(it.item.externalId);
        const shown = it.pick.reason === "audit" && it.currentLabel?.source === "auto" ? it.currentLabel.categoryId : null;
        const suggested = shown ?? it.prediction?.top[0]?.categoryId ?? null;
        const accept = suggested !== null && suggested === truth;
        const b = performance.now();
        try {
          await call(o.base, "annotations.submit", {
            projectId: o.projectId, itemId: it.item.id, leaseToken: it.lease.token, idempotencyKey: randomUUID(),
            action: accept ? "accept" : "correct", categoryId: accept ? undefined : truth, timeSpentMs: 3000, modelVersionId: it.prediction?.modelVersionId,
          }, session);
          s.submitMs.push(performance.now() - b);
          s.decisions++;
          if (decided.has(it.item.id) && it.pick.reason !== "audit") s.doubleDecisions++;
          decided.add(it.item.id);
        } catch (e) {
          fail(e);
        }
        holder.delete(it.item.id);
      }
    }
  };
  await Promise.all(o.sessions.map((sess, i) => annotator(i, sess)));
  s.seconds = (performance.now() - t0) / 1000;
  return s;
}

export function percentile(xs: number[], q: number): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
