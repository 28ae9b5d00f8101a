/**
 * pg-boss on either database: its own pool on Postgres; on PGlite through the
 * handle's executeSql (parameterless multi-statement SQL goes to exec).
 */
import PgBoss from "pg-boss";
import type { DbHandle } from "@/db/client";
import { QUEUES } from "./queues";

export type BossOptions = { schedule?: boolean; pollingIntervalSeconds?: number };

export async function createBoss(handle: DbHandle, opts: BossOptions = {}): Promise<PgBoss> {
  const common: PgBoss.ConstructorOptions = {
    schema: "pgboss",
    schedule: opts.schedule ?? true,
    supervise: true,
    migrate: true,
  };
  const boss =
    handle.kind === "postgres"
      ? new PgBoss({ ...common, connectionString: handle.url, max: 4, application_name: "loupe-jobs" })
      : new PgBoss({
          ...common,
          db: { executeSql: (text: string, values: unknown[]) => handle.executeSql(text, values) },
        });
  boss.on("error", (err) => console.error("[jobs] pg-boss:", err));
  await boss.start();
  for (const q of QUEUES) await boss.createQueue(q.name, q);
  return boss;
}
