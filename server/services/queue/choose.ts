/** Deciding what to lease next: audits, evaluation picks, suspected wrong labels, second opinions, then the strategy, then fill-ins. */
import type { DbOrTx } from "@/db/client";
import type { Settings } from "@/server/services/projects";
import { evaluationCandidates, evaluationSecondOpinions } from "./evaluation-candidates";
import { suspectCandidates } from "./suspect-candidates";
import { auditCandidates, modelCandidates, overlapCandidates, randomCandidates } from "./candidates";
import type { Pick } from "./claim";
import type { LowWaterMark } from "./low-water";
import { pickColdStart, pickForReview, strategyScore } from "./picking";
import { seedFrom } from "./open-items-sql";

export type QueueProject = {
  id: number;
  settings: Settings;
  activeModelVersionId: number | null;
  /** Share of slots for evaluation picks, read before the claim transaction (evaluation/rate-cache.ts). */
  evaluationRate?: number;
};
export type Rng = () => number;

/** The diversity step chooses among this many candidates per slot. */
export const DIVERSITY_WINDOW = 5;
/** Cold start samples from a window of this many items per slot, capped (bounded work on big pools). */
const COLD_START_PER_SLOT = 40;
const COLD_START_WINDOW = 2_000;

type ChooseParams = {
  project: QueueProject;
  userId: number;
  want: number;
  rng: Rng;
  excludeIds: number[];
  /** Where the active model's ranking may start (queue-low-water.ts). */
  from?: LowWaterMark | null;
};

/** Each slot is an audit (or a second opinion) with probability `rate` (rng injectable for tests). */
export function countAuditSlots(want: number, rate: number, rng: Rng): number {
  let n = 0;
  for (let i = 0; i < want; i++) if (rng() < rate) n++;
  return n;
}

export async function choosePicks(tx: DbOrTx, p: ChooseParams): Promise<Pick[]> {
  const { project, userId } = p;
  const base = { projectId: project.id, userId };
  const audits = countAuditSlots(p.want, project.settings.auditRate, p.rng);
  const picks: Pick[] = [];
  if (audits > 0) {
    const ids = await auditCandidates(
      tx,
      { ...base, limit: audits, seed: seedFrom(p.rng), excludeIds: p.excludeIds },
      project.settings.auditRate,
    );
    for (const id of ids) picks.push({ itemId: id, reason: "audit", score: null });
  }
  const excludeIds = () => [...p.excludeIds, ...picks.map((x) => x.itemId)];
  picks.push(...(await chooseEvaluation(tx, { ...p, excludeIds: excludeIds() })));
  const suspects = countAuditSlots(p.want - picks.length, project.settings.suspectRate, p.rng);
  if (suspects > 0) {
    const ids = await suspectCandidates(tx, { ...base, limit: suspects, excludeIds: excludeIds() });
    for (const id of ids) picks.push({ itemId: id, reason: "suspect", score: null });
  }
  // Second opinions, drawn like audits; a slot with no candidate goes to the strategy.
  const overlaps = countAuditSlots(p.want - picks.length, project.settings.overlapRate ?? 0, p.rng);
  if (overlaps > 0) {
    const ids = await overlapCandidates(tx, {
      ...base,
      limit: overlaps,
      seed: seedFrom(p.rng),
      excludeIds: excludeIds(),
    });
    for (const id of ids) picks.push({ itemId: id, reason: "overlap", score: null });
  }
  const mv = project.activeModelVersionId;
  if (mv !== null)
    picks.push(...(await chooseByModel(tx, { ...p, want: p.want - picks.length, excludeIds: excludeIds() }, mv)));
  const missing = p.want - picks.length;
  if (missing > 0) picks.push(...(await chooseRandom(tx, { ...p, want: missing, excludeIds: excludeIds() }, mv)));
  return picks;
}

async function chooseByModel(tx: DbOrTx, p: ChooseParams, modelVersionId: number): Promise<Pick[]> {
  if (p.want <= 0) return [];
  const { strategy, diversity } = p.project.settings;
  // One slot has nothing to spread: the window's best is the SQL order's first,
  // so read (and lock) one row without embeddings instead of a window.
  const useDiversity = diversity && strategy !== "random" && p.want > 1;
  const candidates = await modelCandidates(tx, {
    projectId: p.project.id,
    userId: p.userId,
    modelVersionId,
    strategy,
    withEmbeddings: useDiversity,
    limit: useDiversity ? p.want * DIVERSITY_WINDOW : p.want,
    seed: seedFrom(p.rng),
    excludeIds: p.excludeIds,
    from: p.from,
  });
  const ids = await pickForReview({
    candidates,
    strategy,
    n: p.want,
    diversity: useDiversity,
    seed: seedFrom(p.rng),
    windowFactor: DIVERSITY_WINDOW,
  });
  const byId = new Map(candidates.map((c) => [c.id, c.prediction]));
  return ids.map((id) => {
    const pred = byId.get(id);
    return {
      itemId: id,
      reason: strategy === "random" ? "random" : "uncertain",
      score: pred ? strategyScore(strategy, pred) : null,
    };
  });
}

/**
 * With no model: the cold-start sample. With a model: items it has not
 * scored yet (imported after the last scoring run), so they are not stranded.
 */
async function chooseRandom(tx: DbOrTx, p: ChooseParams, modelVersionId: number | null): Promise<Pick[]> {
  const coldStart = modelVersionId === null;
  const items = await randomCandidates(tx, {
    projectId: p.project.id,
    userId: p.userId,
    limit: coldStart ? Math.max(Math.min(COLD_START_WINDOW, p.want * COLD_START_PER_SLOT), p.want) : p.want,
    seed: seedFrom(p.rng),
    excludeIds: p.excludeIds,
    unscoredBy: modelVersionId ?? undefined,
  });
  const ids = await pickColdStart({ items, n: p.want, seed: seedFrom(p.rng) });
  return ids.map((id) => ({ itemId: id, reason: coldStart ? "cold_start" : "random", score: null }));
}

/**
 * Evaluation slots: uniform picks whose decisions become gold. When two people
 * must agree (overlapRate > 0), a slot first goes to an evaluation item that
 * waits for its second opinion, so gold is completed before more is started.
 */
async function chooseEvaluation(tx: DbOrTx, p: ChooseParams): Promise<Pick[]> {
  const slots = countAuditSlots(p.want, p.project.evaluationRate ?? 0, p.rng);
  if (slots === 0) return [];
  const q = { projectId: p.project.id, userId: p.userId, excludeIds: p.excludeIds, rng: p.rng };
  const seconds = p.project.settings.overlapRate > 0 ? await evaluationSecondOpinions(tx, { ...q, limit: slots }) : [];
  const fresh = await evaluationCandidates(tx, {
    ...q,
    limit: slots - seconds.length,
    excludeIds: [...p.excludeIds, ...seconds],
  });
  return [
    ...seconds.map((id): Pick => ({ itemId: id, reason: "overlap", score: null })),
    ...fresh.map((id): Pick => ({ itemId: id, reason: "evaluation", score: null })),
  ];
}
