/** What bench:chaos reads of a training run and the project's active version, straight from the database. */
import type { DbHandle } from "@/db/client";
import { clearLoadedModels, loadVersion } from "@/server/services/models";

export type RunState = {
  status: string;
  phase: string | null;
  active: number | null;
  gatePassed: boolean | null;
  /** Score jobs of this version not finished (created, retry, active), and ever sent. */
  scoring: number;
  scoreJobs: number;
};

const RUN_STATE = `select v.status, v.progress->>'phase' as phase, p.active_model_version_id as active,
    (v.metrics->'gate'->>'passed')::boolean as gate,
    (select count(*)::int from pgboss.job j where j.name = 'loupe-score' and (j.data->>'versionId')::int = v.id
       and j.state in ('created', 'retry', 'active')) as scoring,
    (select count(*)::int from pgboss.job j where j.name = 'loupe-score' and (j.data->>'versionId')::int = v.id) as jobs
  from model_versions v join projects p on p.id = v.project_id where v.id = $1`;

export async function runState(h: DbHandle, versionId: number): Promise<RunState> {
  const r = (await h.executeSql(RUN_STATE, [versionId])).rows[0];
  if (!r) throw new Error(`no model version ${versionId}`);
  return {
    status: String(r.status),
    phase: r.phase == null ? null : String(r.phase),
    active: r.active == null ? null : Number(r.active),
    gatePassed: r.gate == null ? null : Boolean(r.gate),
    scoring: Number(r.scoring),
    scoreJobs: Number(r.jobs),
  };
}

/** Which part of the pipeline a kill hit, from what the database holds after it. */
export function phaseHit(s: RunState, versionId: number): string {
  if (s.status === "queued") return "queued (not claimed)";
  if (s.status === "training")
    return s.phase === "calibrate" || s.phase === "evaluate" ? "evaluation" : `training (${s.phase ?? "?"})`;
  if (s.status === "failed") return "run had failed";
  if (s.active !== versionId)
    return s.gatePassed === false ? "after run (gate refused)" : "activation (ready, not active)";
  if (s.scoring > 0) return "scoring";
  return s.scoreJobs === 0 ? "activated, rescore not sent" : "after scoring";
}

export type Integrity = { active: number | null; ok: boolean; problem: string | null };

/**
 * The project's active version: one, 'ready', and its artifact loads with its sha256 verified
 * (loadVersion throws on a mismatch or a missing part).
 */
export async function checkActive(h: DbHandle, projectId: number): Promise<Integrity> {
  const rows = (
    await h.executeSql(
      `select p.active_model_version_id as active, v.status, v.artifact_sha256 as sha
         from projects p left join model_versions v on v.id = p.active_model_version_id where p.id = $1`,
      [projectId],
    )
  ).rows;
  if (rows.length !== 1) return { active: null, ok: false, problem: `${rows.length} project rows` };
  const r = rows[0]!;
  const active = r.active == null ? null : Number(r.active);
  if (active === null) return { active, ok: false, problem: "no active version" };
  if (r.status !== "ready") return { active, ok: false, problem: `active version is ${String(r.status)}` };
  if (!r.sha) return { active, ok: false, problem: "active version has no sha256" };
  try {
    await clearLoadedModels();
    await loadVersion(h.db, projectId, active);
    await clearLoadedModels();
  } catch (e) {
    return { active, ok: false, problem: `artifact: ${(e as Error).message}` };
  }
  return { active, ok: true, problem: null };
}

/** What a stuck kill loop prints: the project's runs and the recent training jobs. */
export async function diagnose(h: DbHandle, projectId: number): Promise<string> {
  const runs = await h.executeSql(
    `select id, status, progress, heartbeat_at, error from model_versions where project_id = $1 order by id desc limit 5`,
    [projectId],
  );
  const jobs = await h.executeSql(
    `select id, name, state, singleton_key, data, retry_count, created_on, started_on, completed_on from pgboss.job
       where name in ('loupe-train', 'loupe-label-errors') order by created_on desc limit 10`,
    [],
  );
  return [...runs.rows, ...jobs.rows].map((r) => JSON.stringify(r)).join("\n");
}

/** Jobs still 'active' with no worker running: what killed workers left for pg-boss's expiry (or the dead-run check). */
export async function jobsLeftActive(h: DbHandle): Promise<Record<string, number>> {
  const r = await h.executeSql(
    `select name, count(*)::int as n from pgboss.job where state = 'active' and name like 'loupe-%' group by name`,
    [],
  );
  return Object.fromEntries(r.rows.map((x) => [String(x.name), Number(x.n)]));
}
