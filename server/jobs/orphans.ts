/**
 * Training jobs a killed worker left 'active'. pg-boss keeps such a job active until its expiry
 * (3 h), and on a stately queue an active job makes every fetch of the next job with the same key
 * fail on pg-boss's unique index: the oldest waiting job is fetched first, so one orphan stops the
 * training queue of every project. A run's row tells whether its job still has a live worker: a
 * job active for longer than the stale threshold whose run is not 'training' (never claimed, or
 * stored ready or failed) has none; a live worker claims the run, and ends the job after storing
 * it, within seconds.
 */
import { and, eq, lt, sql } from "drizzle-orm";
import { jsonb, pgSchema, text, timestamp, uuid } from "drizzle-orm/pg-core";
import type { Db } from "@/db/client";
import { modelVersions } from "@/db/schema";
import { QUEUE_NAMES } from "./queues";

const job = pgSchema("pgboss").table("job", {
  id: uuid("id").notNull(),
  name: text("name").notNull(),
  state: text("state").notNull(),
  data: jsonb("data"),
  startedOn: timestamp("started_on", { withTimezone: true }),
});

export async function orphanedTrainJobs(db: Db, staleMs: number): Promise<string[]> {
  const rows = await db
    .select({ id: job.id })
    .from(job)
    .where(
      and(
        eq(job.name, QUEUE_NAMES.train),
        eq(job.state, "active"),
        lt(job.startedOn, sql`now() - make_interval(secs => ${staleMs / 1000})`),
        sql`not exists (select 1 from ${modelVersions} where ${modelVersions.id} = (${job.data}->>'versionId')::int
              and ${modelVersions.status} = 'training')`,
      ),
    );
  return rows.map((r) => r.id);
}
