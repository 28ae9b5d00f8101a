import type { Metadata } from "next";
import { getCaller, roleCan, settle } from "@/server/http/rsc";
import { Alert } from "@/app/_components/ui/alert";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Stat } from "@/app/_components/ui/stat";
import { requireSection } from "../_lib/section";
import { ExportPanel } from "./_components/export-panel";
import { ImportHistory } from "./_components/import-history";
import { ImportPanel } from "./_components/import-panel";

export const metadata: Metadata = { title: "Data" };

export default async function DataPage({ params }: { params: Promise<{ projectId: string }> }) {
  const gate = await requireSection((await params).projectId, "data");
  const { project } = gate;
  const canImport = roleCan(project.role, "importData");
  const canExport = roleCan(project.role, "exportData");
  const caller = await getCaller();
  const [overview, history] = await Promise.all([
    settle(caller.projects.get({ projectId: project.id })),
    canImport ? settle(caller.data.imports({ projectId: project.id, limit: 20 })) : Promise.resolve(null),
  ]);
  return (
    <>
      <PageHeader
        title="Data"
        description={
          [canImport ? "Import items and labels from CSV or JSONL" : null, canExport ? "export the labelled set" : null]
            .filter(Boolean)
            .join("; ") + "."
        }
      />
      <div className="space-y-5">
        {overview.ok ? (
          <dl className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6" data-testid="data-counts">
            <Stat label="Pool items" value={overview.data.itemCounts.pool} />
            <Stat label="Test items (gold)" value={overview.data.itemCounts.test} />
            <Stat label="Categories" value={overview.data.categoryCount} />
            <Stat label="Human labels" value={overview.data.labelCounts.human} />
            <Stat label="Auto labels" value={overview.data.labelCounts.auto} />
            <Stat label="Imported labels" value={overview.data.labelCounts.import} />
          </dl>
        ) : (
          <Alert tone="danger">{overview.message}</Alert>
        )}
        {canImport ? <ImportPanel projectId={project.id} /> : null}
        {canExport ? <ExportPanel projectId={project.id} /> : null}
        {history ? (
          history.ok ? (
            <ImportHistory projectId={project.id} initialPage={history.data} />
          ) : (
            <Alert tone="danger">{history.message}</Alert>
          )
        ) : null}
      </div>
    </>
  );
}
