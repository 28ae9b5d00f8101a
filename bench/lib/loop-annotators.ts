/**
 * Simulated annotators: queue.next + annotations.submit through tRPC callers,
 * with the file's true category as the oracle. Accept when the model's top
 * suggestion is the truth, otherwise correct to the truth. Audits are answered
 * the same way, so audited precision is measured against the truth.
 */
import { randomUUID } from "node:crypto";
import type { Caller } from "./loop-setup";

export type AnnotateTally = {
  decisions: number;
  accepts: number;
  corrects: number;
  audits: number;
  auditsAccepted: number;
  coldStart: number;
  uncertain: number;
  random: number;
  conflicts: number;
  nextMs: number[];
  submitMs: number[];
  done: boolean;
};

export const emptyTally = (): AnnotateTally => ({
  decisions: 0,
  accepts: 0,
  corrects: 0,
  audits: 0,
  auditsAccepted: 0,
  coldStart: 0,
  uncertain: 0,
  random: 0,
  conflicts: 0,
  nextMs: [],
  submitMs: [],
  done: false,
});

type Handoff = Awaited<ReturnType<Caller["queue"]["next"]>>["items"][number];

async function decide(caller: Caller, projectId: number, truth: Map<string, number>, it: Handoff, t: AnnotateTally) {
  const want = truth.get(it.item.externalId);
  if (want === undefined) throw new Error(`oracle has no category for ${it.item.externalId}`);
  // An audit's "accept" confirms the auto label on screen; elsewhere it takes the model's top suggestion.
  const shownLabel =
    it.pick.reason === "audit" && it.currentLabel?.source === "auto" ? it.currentLabel.categoryId : null;
  const suggested = shownLabel ?? it.prediction?.top[0]?.categoryId ?? null;
  const accept = suggested === want;
  const t0 = performance.now();
  try {
    await caller.annotations.submit({
      projectId,
      itemId: it.item.id,
      leaseToken: it.lease.token,
      idempotencyKey: randomUUID(),
      action: accept ? "accept" : "correct",
      categoryId: accept ? undefined : want,
      timeSpentMs: 4000,
      modelVersionId: it.prediction?.modelVersionId,
    });
  } catch (e) {
    if ((e as { code?: string }).code === "CONFLICT") {
      t.conflicts++;
      return;
    }
    throw e;
  }
  t.submitMs.push(performance.now() - t0);
  t.decisions++;
  if (accept) t.accepts++;
  else t.corrects++;
  const reason = it.pick.reason;
  if (reason === "audit") {
    t.audits++;
    if (accept) t.auditsAccepted++;
  } else if (reason === "cold_start") t.coldStart++;
  else if (reason === "uncertain") t.uncertain++;
  else t.random++;
}

/**
 * Annotators work in parallel until `want` decisions are made (or the queue is done).
 * Each call asks for at most `perCall` items and decides all of them, so no lease is left behind.
 */
export async function annotate(
  callers: Caller[],
  projectId: number,
  truth: Map<string, number>,
  want: number,
  perCall: number,
  t: AnnotateTally,
) {
  let remaining = want;
  const worker = async (caller: Caller) => {
    let idle = 0;
    while (remaining > 0 && !t.done) {
      const n = Math.min(perCall, remaining);
      remaining -= n;
      const t0 = performance.now();
      const res = await caller.queue.next({ projectId, n });
      t.nextMs.push(performance.now() - t0);
      remaining += Math.max(0, n - res.items.length);
      if (res.items.length === 0) {
        if (res.status === "done") t.done = true;
        else if (++idle > 20) return;
        else await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      idle = 0;
      for (const it of res.items) await decide(caller, projectId, truth, it, t);
    }
  };
  await Promise.all(callers.map(worker));
}
