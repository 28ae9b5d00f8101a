/**
 * Simulated annotators: queue.next + annotations.submit through tRPC callers,
 * with the file's true category as the oracle. Accept when the model's top
 * suggestion is the truth, otherwise correct to the truth. Audits are answered
 * the same way, so audited precision is measured against the truth. With an
 * error rate, a person picks a wrong category (uniformly among the others) that often.
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
  evaluation: number;
  suspect: number;
  /** Decisions where the simulated person chose a wrong category on purpose (--annotator-error). */
  mistakes: number;
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
  evaluation: 0,
  suspect: 0,
  mistakes: 0,
  conflicts: 0,
  nextMs: [],
  submitMs: [],
  done: false,
});

type Handoff = Awaited<ReturnType<Caller["queue"]["next"]>>["items"][number];

/** How simulated people err: `rate` of their decisions pick a wrong category, drawn with `rng`. */
export type Fallibility = { rate: number; rng: () => number; categoryIds: number[] };

function chosen(truth: number, f: Fallibility | undefined, t: AnnotateTally): number {
  if (!f || f.rate <= 0 || f.rng() >= f.rate) return truth;
  const others = f.categoryIds.filter((c) => c !== truth);
  if (others.length === 0) return truth;
  t.mistakes++;
  return others[Math.floor(f.rng() * others.length)]!;
}

async function decide(
  caller: Caller,
  projectId: number,
  truth: Map<string, number>,
  it: Handoff,
  t: AnnotateTally,
  f?: Fallibility,
) {
  const truthId = truth.get(it.item.externalId);
  if (truthId === undefined) throw new Error(`oracle has no category for ${it.item.externalId}`);
  const want = chosen(truthId, f, t);
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
  else if (reason === "evaluation") t.evaluation++;
  else if (reason === "suspect") t.suspect++;
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
  f?: Fallibility,
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
      for (const it of res.items) await decide(caller, projectId, truth, it, t, f);
    }
  };
  await Promise.all(callers.map(worker));
}
