/** `status`, `versions`, `train [--wait]`, `activate N`, `rollback [--to N]`. */
import { type Command, projectOf, PROJECT_OPTION, positiveInt, str, type RunContext } from "./command";
import { CliError, type Transport, type VersionList } from "./transport";

const POLL_MS = 1_000;
type Version = VersionList["versions"][number];

const pct = (x: number | null | undefined) => (x == null ? "-" : `${(x * 100).toFixed(1)}%`);

function versionLine(v: Version): string {
  const s = v.summary;
  return [
    `${v.active ? "*" : " "} v${v.version}`,
    v.status,
    v.trigger,
    `${v.labelCount ?? "-"} labels`,
    `accuracy ${pct(s?.accuracy)}`,
    `macro-F1 ${pct(s?.macroF1)}`,
    v.error ? `error: ${v.error}` : "",
  ]
    .filter(Boolean)
    .join("\t");
}

/** Version numbers are what people see; the API wants the row id. */
async function versionByNumber(t: Transport, projectId: number, n: number): Promise<Version> {
  const found = (await t.versions(projectId)).versions.find((v) => v.version === n);
  if (!found) throw new CliError(`No version ${n} in this project`);
  return found;
}

async function waitForRun(c: RunContext, projectId: number, versionId: number): Promise<void> {
  if (await c.t.runTrainingHere(versionId)) return;
  c.out.note("waiting for the worker to train it (Ctrl-C stops waiting, not the run)");
  for (;;) {
    const p = await c.t.progress(projectId, versionId);
    if (!p || p.status === "ready" || p.status === "failed") return;
    const phase = (p.progress as { phase?: string } | null)?.phase ?? p.status;
    c.out.progress(`v${p.version} ${p.status}: ${phase}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

export const modelCommands: Command[] = [
  {
    name: "status",
    usage: "status --project P",
    options: PROJECT_OPTION,
    run: async (c) => {
      const s = await c.t.status((await projectOf(c)).id);
      const l = s.labelCounts;
      c.out.result(
        {
          id: s.id,
          slug: s.slug,
          name: s.name,
          itemCounts: s.itemCounts,
          labelCounts: l,
          categoryCount: s.categoryCount,
          activeModelVersion: s.activeModelVersion,
        },
        [
          `project #${s.id} ${s.slug} ("${s.name}")`,
          `items: ${s.itemCounts.pool} pool, ${s.itemCounts.test} test (gold)`,
          `labels: ${l.human} human, ${l.auto} auto, ${l.import} import`,
          `categories: ${s.categoryCount}`,
          `active model: ${s.activeModelVersion === null ? "none" : `v${s.activeModelVersion}`}`,
        ],
      );
    },
  },
  {
    name: "versions",
    usage: "versions --project P",
    options: PROJECT_OPTION,
    run: async (c) => {
      const list = await c.t.versions((await projectOf(c)).id);
      c.out.result(list.versions, list.versions.length === 0 ? "no versions" : list.versions.map(versionLine));
    },
  },
  {
    name: "train",
    usage: "train --project P [--wait]",
    options: { ...PROJECT_OPTION, wait: { type: "boolean", default: false } },
    run: async (c) => {
      const project = await projectOf(c);
      const run = await c.t.train(project.id);
      c.out.note(run.created ? `queued v${run.version}` : `v${run.version} was already queued or training`);
      if (c.values.wait !== true) return c.out.result(run, `v${run.version} queued`);
      await waitForRun(c, project.id, run.versionId);
      const v = await versionByNumber(c.t, project.id, run.version);
      c.out.result(v, versionLine(v));
      if (v.status !== "ready") process.exitCode = 1;
    },
  },
  {
    name: "activate",
    usage: "activate N --project P",
    args: 1,
    options: PROJECT_OPTION,
    run: async (c) => {
      const n = positiveInt(c.args[0], "the version number N");
      const project = await projectOf(c);
      const v = await versionByNumber(c.t, project.id, n);
      const r = await c.t.activate(project.id, v.id);
      c.out.result({ ...r, version: n }, r.changed ? `activated v${n}` : `v${n} was already active`);
    },
  },
  {
    name: "rollback",
    usage: "rollback --project P [--to N]",
    options: { ...PROJECT_OPTION, to: { type: "string" } },
    run: async (c) => {
      const project = await projectOf(c);
      const to = str(c.values, "to");
      const target = to ? await versionByNumber(c.t, project.id, positiveInt(to, "--to")) : undefined;
      const r = await c.t.rollback(project.id, target?.id);
      const list = await c.t.versions(project.id);
      const version = list.versions.find((v) => v.id === r.versionId)?.version;
      c.out.result({ ...r, version }, `rolled back to v${version ?? "?"}`);
    },
  },
];
