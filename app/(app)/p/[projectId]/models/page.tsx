import type { Metadata } from "next";
import Link from "next/link";
import { getCaller, settle } from "@/server/http/rsc";
import { Alert } from "@/app/_components/ui/alert";
import { buttonClasses } from "@/app/_components/ui/button";
import { PageHeader } from "@/app/_components/ui/page-header";
import { projectHref } from "@/app/_lib/project-sections";
import { requireSection } from "../_lib/section";
import { ModelsManager } from "./_components/models-manager";
import { GoldStatus } from "../_components/gold-status";
import { MIN_TRAINING_ITEMS } from "@/lib/constants";

export const metadata: Metadata = { title: "Models" };

export default async function ModelsPage({ params }: { params: Promise<{ projectId: string }> }) {
  const gate = await requireSection((await params).projectId, "models");
  const projectId = gate.project.id;
  const caller = await getCaller();
  const [list, progress, overview, gold] = await Promise.all([
    settle(caller.models.list({ projectId, limit: 50 })),
    settle(caller.models.progress({ projectId })),
    settle(caller.projects.get({ projectId })),
    settle(caller.evaluation.status({ projectId })),
  ]);
  const header = (
    <PageHeader
      title="Models"
      description="Train, compare, activate and roll back versions of the classifier. Metrics are measured on the project's gold (test) items."
      actions={
        <Link href={projectHref(projectId, "settings")} className={buttonClasses("secondary", "md")}>
          Thresholds and policy
        </Link>
      }
    />
  );
  if (!list.ok || !progress.ok || !overview.ok) {
    const message = [list, progress, overview].find((r) => !r.ok);
    return (
      <>
        {header}
        <Alert tone="danger" title="Could not load the model versions">
          {message && !message.ok ? message.message : null}
        </Alert>
      </>
    );
  }
  const o = overview.data;
  return (
    <>
      {header}
      {gold.ok ? (
        <div className="mb-4">
          <GoldStatus status={gold.data} />
        </div>
      ) : null}
      <ModelsManager
        projectId={projectId}
        initialList={list.data}
        initialProgress={progress.data}
        readiness={{
          labelled: o.labelCounts.human + o.labelCounts.import,
          gold: gold.ok ? gold.data.gold.total : o.itemCounts.test,
          categories: o.categoryCount,
          minLabels: MIN_TRAINING_ITEMS,
        }}
      />
    </>
  );
}
