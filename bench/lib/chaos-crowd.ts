/**
 * bench:chaos's annotators: each calls queue.next + annotations.submit over HTTP with no think
 * time. A person whose request fails resends the same submit (same idempotency key) until the
 * server answers, as the review page does; what was acknowledged (HTTP 200) is kept, tagged with
 * the kind of kill under way, for the count of lost and duplicated decisions afterwards.
 */
import { randomUUID } from "node:crypto";
import { call, TrpcError, type Session } from "./api-client";

export type KillKind = "web" | "worker";
export type Acked = { key: string; itemId: number; kind: KillKind };

type NextItem = { item: { id: number; externalId: string }; lease: { token: string } };
type NextResult = { status: string; items: NextItem[] };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fails for a dead server (connection refused or reset) as for a refusal: the caller retries either. */
function isDown(e: unknown): boolean {
  return !(e instanceof TrpcError) || e.status >= 500;
}

export class Crowd {
  readonly acked: Acked[] = [];
  failures = 0;
  kind: KillKind = "web";
  private running = true;
  private waiting: { after: number; resolve: (at: number) => void }[] = [];
  private people: Promise<void>[] = [];

  constructor(
    private base: string,
    private readonly projectId: number,
  ) {}

  /** The server moved (a restart on a new port). */
  moveTo(base: string) {
    this.base = base;
  }

  start(sessions: Session[]) {
    this.people = sessions.map((s) => this.person(s));
  }

  /** Resolves with the time of the first queue.next answered after `after` (performance.now()). */
  answeredAfter(after: number): Promise<number> {
    return new Promise((resolve) => this.waiting.push({ after, resolve }));
  }

  async stop() {
    this.running = false;
    await Promise.all(this.people);
  }

  private answered() {
    const now = performance.now();
    const due = this.waiting.filter((w) => w.after <= now);
    this.waiting = this.waiting.filter((w) => w.after > now);
    for (const w of due) w.resolve(now);
  }

  private async person(session: Session) {
    while (this.running) {
      let next: NextResult;
      try {
        next = (await call<NextResult>(this.base, "queue.next", { projectId: this.projectId, n: 1 }, session)).data;
        this.answered();
      } catch (e) {
        if (!isDown(e)) throw e;
        this.failures++;
        await sleep(100);
        continue;
      }
      const it = next.items[0];
      if (!it) {
        await sleep(200);
        continue;
      }
      const input = {
        projectId: this.projectId,
        itemId: it.item.id,
        leaseToken: it.lease.token,
        idempotencyKey: randomUUID(),
        action: "reject" as const,
        timeSpentMs: 1000,
      };
      // The same decision, resent until the server answers (a restarted server still honours the lease).
      for (let attempt = 0; attempt < 100 && this.running; attempt++) {
        try {
          const kind = this.kind;
          await call(this.base, "annotations.submit", input, session);
          this.acked.push({ key: input.idempotencyKey, itemId: it.item.id, kind });
          break;
        } catch (e) {
          if (!isDown(e)) break; // refused (e.g. lease lost while the server was down): not acknowledged
          this.failures++;
          await sleep(100);
        }
      }
    }
  }
}
