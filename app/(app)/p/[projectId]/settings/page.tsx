import type { Metadata } from "next";
import { GoldStatus } from "../_components/gold-status";
import { getCaller, requireMe, settle } from "@/server/http/rsc";
import { Alert } from "@/app/_components/ui/alert";
import { PageHeader } from "@/app/_components/ui/page-header";
import { requireSection } from "../_lib/section";
import { curveOfCalibration, parseVersionMetrics } from "../models/_lib/metrics";
import { readEvidence } from "@/ml/certification";
import { SettingsForm, type ActiveCurve } from "./_components/settings-form";
import { ArchiveProject } from "./_components/archive-project";

export const metadata: Metadata = { title: "Settings" };

const dateFmt = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

export default async function SettingsPage({ params }: { params: Promise<{ projectId: string }> }) {
  const gate = await requireSection((await params).projectId, "settings");
  const projectId = gate.project.id;
  const caller = await getCaller();
  const [overview, gold] = await Promise.all([
    settle(caller.projects.get({ projectId })),
    settle(caller.evaluation.status({ projectId })),
  ]);
  const header = (
    <PageHeader
      title="Settings"
      description="How the loop runs: what people review next, when models retrain, and what the model may accept on its own."
    />
  );
  if (!overview.ok) {
    return (
      <>
        {header}
        <Alert tone="danger" title="Could not load the settings">
          {overview.message}
        </Alert>
      </>
    );
  }
  const activeId = overview.data.activeModelVersionId;
  const version = activeId ? await settle(caller.models.get({ projectId, versionId: activeId })) : null;
  let active: ActiveCurve = null;
  if (version?.ok) {
    const m = parseVersionMetrics(version.data.metrics);
    const cal = version.data.calibration;
    // What the thresholds were certified on: a recalibration's n; a training run's certifying gold (earlier versions: gold + audits).
    const calMetrics = (cal?.metrics ?? {}) as { n?: unknown; curve?: unknown; reason?: unknown };
    const evidence = Array.isArray(calMetrics.curve) ? calMetrics.n : undefined;
    const certifiedTarget = cal?.thresholds.targetPrecision;
    active = {
      version: version.data.version,
      curve: curveOfCalibration(cal?.metrics, m),
      evidence: readEvidence((cal?.metrics as { evidence?: unknown } | undefined)?.evidence),
      evidenceCount:
        typeof evidence === "number"
          ? evidence
          : m.splits
            ? (m.splits.certifying ?? m.splits.gold + m.splits.audits)
            : null,
      certifiedTarget: typeof certifiedTarget === "number" ? certifiedTarget : null,
      tightened: calMetrics.reason === "audit_failure",
      calibratedAt: dateFmt.format(new Date(cal?.createdAt ?? version.data.finishedAt ?? version.data.createdAt)),
    };
  }
  return (
    <>
      {header}
      {version && !version.ok ? (
        <Alert tone="warn" className="mb-4">
          The active model could not be loaded ({version.message}); the coverage curve is not shown.
        </Alert>
      ) : null}
      {gold.ok ? (
        <div className="mb-4">
          <GoldStatus status={gold.data} />
        </div>
      ) : null}
      <SettingsForm projectId={projectId} initial={overview.data.settings} active={active} />
      {(await requireMe()).user.isAdmin ? <ArchiveProject projectId={projectId} name={overview.data.name} /> : null}
    </>
  );
}
