/** queue.next: the caller's live leases first, then new ones, each with its handoff context. */
import { currentEvaluationRate } from "@/server/services/evaluation";
import { eq } from "drizzle-orm";
import type { Db, DbOrTx } from "@/db/client";
import { projects } from "@/db/schema";
import { NotFoundError } from "@/server/errors";
import { withDefaults } from "@/server/services/projects";
import { choosePicks, type QueueProject, type Rng } from "./choose";
import { claimLeases, keepClaims, ownLiveLeases, type HeldLease } from "./claim";
import { buildHandoff, type HandoffItem } from "./context";
import { lowWaterMark, type LowWaterMark } from "./low-water";
import { queueStatus, type QueueStatus } from "./status";
import { MAX_NEXT } from "@/lib/constants";

export type LeaseNextItemsInput = {
  projectId: number;
  actorId: number;
  n?: number;
  /** Held items the caller has loaded already: counted toward n, not sent again. */
  known?: number[];
  rng?: Rng;
};
export type LeaseNextItemsResult = QueueStatus & { items: HandoffItem[] };

/** Claims can lose races against concurrent callers; a few rounds refill the shortfall. */
const CLAIM_ROUNDS = 5;

export async function loadQueueProject(db: DbOrTx, projectId: number): Promise<QueueProject> {
  const [p] = await db
    .select({ id: projects.id, settings: projects.settings, activeModelVersionId: projects.activeModelVersionId })
    .from(projects)
    .where(eq(projects.id, projectId))
    .limit(1);
  if (!p) throw new NotFoundError("Project");
  return { ...p, settings: withDefaults(p.settings) };
}

export async function leaseNextItems(db: Db, p: LeaseNextItemsInput): Promise<LeaseNextItemsResult> {
  const rng = p.rng ?? Math.random;
  // Outside the transaction: on PGlite's one connection a read beside an open transaction would wait for it.
  const evaluationRate = await currentEvaluationRate(db, p.projectId);
  const first = await leaseInTx(db, { ...p, evaluationRate }, rng);
  // Everyone ranks the same items first: under contention a whole round of
  // claims can lose to a caller that committed after our read. One more try
  // with a fresh transaction before telling the person there is nothing.
  const { held, context } = first.held.length === 0 ? await leaseInTx(db, { ...p, evaluationRate }, rng) : first;
  if (held.length > 0) return { status: "ok", leasedByOthers: 0, earliestExpiry: null, items: (await context) ?? [] };
  return { ...(await queueStatus(db, p.projectId, p.actorId)), items: [] };
}

type Leased = { held: HeldLease[]; context: Promise<HandoffItem[]> | null };

type LeaseRound = LeaseNextItemsInput & { evaluationRate: number };

async function leaseInTx(db: Db, p: LeaseRound, rng: Rng): Promise<Leased> {
  let context: Promise<HandoffItem[]> | null = null;
  try {
    const held = await db.transaction(async (tx) => {
      const { project, held } = await claimInTx(db, tx, p, rng);
      // The handoff context reads nothing this transaction writes: it starts on
      // another connection now and overlaps the COMMIT (not awaited in here, so
      // a single-connection database simply runs it after the commit).
      const known = new Set(p.known ?? []);
      const send = held.filter((h) => !known.has(h.itemId));
      if (send.length > 0) context = buildHandoff(db, project, send);
      return held;
    });
    return { held, context };
  } catch (e) {
    // The context's own failure, if any, goes with this one.
    (context as Promise<HandoffItem[]> | null)?.catch(() => {});
    throw e;
  }
}

async function claimInTx(
  db: Db,
  tx: DbOrTx,
  p: LeaseRound,
  rng: Rng,
): Promise<{ project: QueueProject; held: HeldLease[] }> {
  // Independent reads in one round trip.
  const [loaded, own] = await Promise.all([
    loadQueueProject(tx, p.projectId),
    ownLiveLeases(tx, p.projectId, p.actorId),
  ]);
  const project = { ...loaded, evaluationRate: p.evaluationRate };
  const n = p.n ?? Math.min(MAX_NEXT, Math.max(1, project.settings.batchSize));
  const mv = project.activeModelVersionId;
  const from = mv === null ? null : lowWaterMark(db, project.id, mv, project.settings.strategy);
  // Each claim round audits the leases it kept (keepClaims).
  const fresh = await claimNew(tx, project, p.actorId, n - own.length, rng, from);
  return { project, held: [...own, ...fresh] };
}

async function claimNew(
  tx: DbOrTx,
  project: QueueProject,
  userId: number,
  want: number,
  rng: Rng,
  from: LowWaterMark | null,
): Promise<HeldLease[]> {
  const held: HeldLease[] = [];
  const tried: number[] = [];
  for (let round = 0; round < CLAIM_ROUNDS && held.length < want; round++) {
    const picks = await choosePicks(tx, { project, userId, want: want - held.length, rng, excludeIds: tried, from });
    if (picks.length === 0) break;
    tried.push(...picks.map((x) => x.itemId));
    const claimed = await claimLeases(tx, {
      projectId: project.id,
      userId,
      leaseMinutes: project.settings.leaseMinutes,
      picks,
    });
    // In picking order, so the audit lists them as chosen (RETURNING order is not guaranteed).
    const rank = new Map(picks.map((x, i) => [x.itemId, i]));
    claimed.sort((a, b) => (rank.get(a.itemId) ?? 0) - (rank.get(b.itemId) ?? 0));
    held.push(...(await keepClaims(tx, project.id, userId, claimed)));
  }
  // Keep the picking order (claim RETURNING order is not guaranteed).
  const order = new Map(tried.map((id, i) => [id, i]));
  return held.sort((a, b) => (order.get(a.itemId) ?? 0) - (order.get(b.itemId) ?? 0));
}
