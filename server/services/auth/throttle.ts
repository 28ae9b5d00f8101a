/**
 * Login throttling. An attempt is reserved (a failure row written) before the
 * password is hashed, under a per-client advisory lock, so concurrent guesses
 * (a tRPC batch, parallel requests) are counted one by one against the limits;
 * a success takes its reservation back. Two limits:
 * - per account and client: the first few failures are free, then each further
 *   attempt waits twice as long as the one before. Never a hard lock, so nobody
 *   elsewhere can lock a user out of the right password;
 * - per client: a hard cap on failures in the window, whatever the accounts.
 */
import { and, count, eq, gt, inArray, max, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { loginFailures } from "@/db/schema";
import { RateLimitedError } from "@/server/errors";

export const FAILURE_WINDOW_MS = 15 * 60 * 1000;
/** Failures of one account from one client before the delays start. */
export const FREE_PAIR_FAILURES = 5;
/** The first delay; it doubles with each further failure, up to the window. */
export const FIRST_DELAY_MS = 2_000;
export const MAX_FAILURES_PER_CLIENT = 30;
/** Namespace of the advisory lock (the other key is the client's hash). */
const LOCK_NAMESPACE = 1_681;

export type Reservation = { pairKey: string; ids: number[] };

export function pairKey(email: string, clientKey: string): string {
  return `pair:${email}|${clientKey}`;
}
const clientKeyOf = (clientKey: string) => `client:${clientKey}`;

/** How long the pair must wait after its last failure before trying again. */
export function pairDelayMs(failures: number): number {
  if (failures < FREE_PAIR_FAILURES) return 0;
  return Math.min(FIRST_DELAY_MS * 2 ** (failures - FREE_PAIR_FAILURES), FAILURE_WINDOW_MS);
}

export async function reserveAttempt(db: Db, p: { email: string; clientKey: string; now: Date }): Promise<Reservation> {
  const pair = pairKey(p.email, p.clientKey);
  const client = clientKeyOf(p.clientKey);
  const since = new Date(p.now.getTime() - FAILURE_WINDOW_MS);
  return db.transaction(async (tx) => {
    // Every attempt from this client queues here: the count below and the insert are one step.
    await tx.execute(sql`select pg_advisory_xact_lock(${LOCK_NAMESPACE}::int, hashtext(${client}))`);
    const rows = await tx
      .select({ key: loginFailures.key, n: count(), last: max(loginFailures.at) })
      .from(loginFailures)
      .where(and(inArray(loginFailures.key, [pair, client]), gt(loginFailures.at, since)))
      .groupBy(loginFailures.key);
    const byClient = rows.find((r) => r.key === client)?.n ?? 0;
    const byPair = rows.find((r) => r.key === pair);
    if (byClient >= MAX_FAILURES_PER_CLIENT) {
      throw new RateLimitedError("Too many failed attempts from this address. Try again in a few minutes.");
    }
    const wait = pairDelayMs(byPair?.n ?? 0);
    const last = byPair?.last ? new Date(byPair.last).getTime() : 0;
    if (wait > 0 && p.now.getTime() - last < wait) {
      const seconds = Math.ceil((wait - (p.now.getTime() - last)) / 1000);
      throw new RateLimitedError(`Too many failed attempts. Try again in ${seconds} s.`);
    }
    const inserted = await tx
      .insert(loginFailures)
      .values([
        { key: pair, at: p.now },
        { key: client, at: p.now },
      ])
      .returning({ id: loginFailures.id });
    return { pairKey: pair, ids: inserted.map((r) => r.id) };
  });
}

/** The right password: this attempt is not a failure, and the pair starts afresh. */
export async function releaseAttempt(db: Db, r: Reservation): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.key, r.pairKey));
  await db.delete(loginFailures).where(inArray(loginFailures.id, r.ids));
}
