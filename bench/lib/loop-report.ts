/** Printing the loop bench: one line per round, then a summary per target. */
import type { AnnotateTally } from "./loop-annotators";
import type { JobTimes } from "./loop-jobs";
import type { OracleFigures, RoundFigures } from "./loop-measure";

export type TargetRun = {
  target: number;
  goldSource: string;
  legacy: { imported: number; wrong: number; wrongStanding: number };
  labelErrors: RoundFigures["labelErrors"];
  pool: number;
  gold: number;
  categories: number;
  rounds: RoundFigures[];
  final: RoundFigures;
  oracle: OracleFigures | null;
  tally: AnnotateTally;
  latencyMs: { nextP50: number | null; nextP99: number | null; submitP50: number | null; submitP99: number | null };
  time: {
    totalSeconds: number;
    setupSeconds: number;
    annotateSeconds: number;
    tickSeconds: number;
    jobsWaitSeconds: number;
    measureSeconds: number;
    trainSeconds: number;
    runs: number;
    failedRuns: number;
    jobs: JobTimes;
  };
};

const pc = (x: number | null | undefined, d = 1) => (x === null || x === undefined ? "–" : `${(100 * x).toFixed(d)}%`);
const pad = (s: string, n: number) => s.padStart(n);

export function printRounds(rs: RoundFigures[], header: boolean) {
  if (header) {
    console.log(
      [
        "round",
        "sec",
        "human",
        "audits",
        "auto",
        "autom.",
        "true prec",
        "audited (active v.)",
        "audited (all)",
        "v",
        "test acc",
        "dec/1k",
      ]
        .map((h, i) => pad(h, [5, 6, 6, 6, 6, 7, 9, 26, 22, 3, 8, 7][i]!))
        .join(" "),
    );
  }
  for (const r of rs) {
    const act = r.auditedActive;
    const activeStr = act && act.n ? `${pc(act.precision)} [${pc(act.lower)},${pc(act.upper)}] n=${act.n}` : "–";
    const allStr = r.auditedAll.n
      ? `${pc(r.auditedAll.precision)} (≥${pc(r.auditedAll.lower)}) n=${r.auditedAll.n}`
      : "–";
    console.log(
      [
        pad(String(r.round), 5),
        pad(r.seconds.toFixed(0), 6),
        pad(String(r.humanDecisions), 6),
        pad(String(r.audits), 6),
        pad(String(r.autoLabels), 6),
        pad(pc(r.automation), 7),
        pad(pc(r.autoTruePrecision, 2), 9),
        pad(activeStr, 26),
        pad(allStr, 22),
        pad(String(r.activeVersion ?? "–"), 3),
        pad(pc(r.testAccuracy), 8),
        pad(r.decisionsPer1000 === null ? "–" : r.decisionsPer1000.toFixed(0), 7),
      ].join(" "),
    );
  }
}

/** Lowest audited precision (all audits so far) once at least `minN` audits exist. */
export function minAudited(rs: RoundFigures[], minN = 20): number | null {
  const xs = rs
    .filter((r) => r.auditedAll.n >= minN && r.auditedAll.precision !== null)
    .map((r) => r.auditedAll.precision!);
  return xs.length ? Math.min(...xs) : null;
}

export function minTruePrecision(rs: RoundFigures[]): number | null {
  const xs = rs.filter((r) => r.autoLabels > 0 && r.autoTruePrecision !== null).map((r) => r.autoTruePrecision!);
  return xs.length ? Math.min(...xs) : null;
}

export function printSummary(runs: TargetRun[]) {
  console.log(
    "\nsummary (automation = auto labels / pool; rate = auto / (auto + human), the dashboard's automation rate; oracle = best coverage on the gold split at the target for the final model; ceiling = the most one 95% bound on those gold items could certify)",
  );
  console.log(
    [
      "target",
      "labels",
      "audits",
      "automation",
      "rate",
      "true prec",
      "min true",
      "audited",
      "min aud.",
      "test cov",
      "ceiling",
      "oracle",
      "gap",
      "dec/1k",
      "test acc",
      "minutes",
    ]
      .map((h) => pad(h, 10))
      .join(" "),
  );
  for (const r of runs) {
    const f = r.final;
    const gap = r.oracle ? r.oracle.oracleCoverage - f.automation : null;
    console.log(
      [
        r.target.toFixed(2),
        String(f.humanDecisions),
        String(f.audits),
        pc(f.automation),
        pc(f.automationRate),
        pc(f.autoTruePrecision, 2),
        pc(minTruePrecision(r.rounds), 2),
        f.auditedAll.n ? `${pc(f.auditedAll.precision)}/${f.auditedAll.n}` : "–",
        pc(minAudited(r.rounds)),
        pc(r.oracle?.deployedTestCoverage),
        pc(r.oracle?.singleTestCeiling),
        pc(r.oracle?.oracleCoverage),
        gap === null ? "–" : `${(100 * gap).toFixed(1)} pt`,
        f.decisionsPer1000?.toFixed(0) ?? "–",
        pc(r.oracle?.testAccuracy),
        (r.time.totalSeconds / 60).toFixed(1),
      ]
        .map((s) => pad(s, 10))
        .join(" "),
    );
  }
  console.log("\ngold and label errors");
  for (const r of runs) {
    const le = r.labelErrors;
    const golds = r.rounds.map((x) => x.gold ?? 0).join(" → ");
    console.log(
      `  ${r.target.toFixed(2)}: gold (${r.goldSource}) ${golds}; label errors: ${le ? `${le.flagged} flagged, ${le.truePositives} truly wrong (precision ${pc(le.precision)}, recall ${pc(le.recall)})` : "–"}; wrong legacy labels: ${r.legacy.wrong} imported, ${r.legacy.wrongStanding} still standing`,
    );
  }
  console.log("\nwhere the time went (seconds)");
  for (const r of runs) {
    const t = r.time;
    const jobs = Object.entries(t.jobs)
      .map(([k, v]) => `${k} ${v.seconds.toFixed(0)} s/${v.jobs} jobs${v.failed ? ` (${v.failed} failed)` : ""}`)
      .join(", ");
    console.log(
      `  ${r.target.toFixed(2)}: total ${t.totalSeconds.toFixed(0)}, setup+import ${t.setupSeconds.toFixed(0)}, annotators ${t.annotateSeconds.toFixed(0)} (next p50 ${r.latencyMs.nextP50?.toFixed(0)} ms, submit p50 ${r.latencyMs.submitP50?.toFixed(0)} ms), tick ${t.tickSeconds.toFixed(0)}, waiting for jobs ${t.jobsWaitSeconds.toFixed(0)} [${jobs}; fit ${t.trainSeconds.toFixed(0)} s over ${t.runs} runs${t.failedRuns ? `, ${t.failedRuns} failed` : ""}], measuring ${t.measureSeconds.toFixed(0)}`,
    );
  }
}
