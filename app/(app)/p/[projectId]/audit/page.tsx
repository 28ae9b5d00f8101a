import type { Metadata } from "next";
import { getCaller, settle } from "@/server/http/rsc";
import { Alert } from "@/app/_components/ui/alert";
import { PageHeader } from "@/app/_components/ui/page-header";
import { requireSection } from "../_lib/section";
import { AuditLog } from "./_components/audit-log";
import { auditFiltersToInput, parseAuditFilters } from "./_lib/filters";

export const metadata: Metadata = { title: "Audit log" };

type Props = {
  params: Promise<{ projectId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export default async function AuditPage({ params, searchParams }: Props) {
  const gate = await requireSection((await params).projectId, "audit");
  const projectId = gate.project.id;
  const filters = parseAuditFilters(await searchParams);
  const caller = await getCaller();
  const [facets, first] = await Promise.all([
    settle(caller.audit.facets({ projectId })),
    settle(caller.audit.list({ projectId, limit: 50, ...auditFiltersToInput(filters) })),
  ]);
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who changed what, and when, in this project: every import, export, role change, training run, activation and rollback."
      />
      {facets.ok && first.ok ? (
        <AuditLog projectId={projectId} facets={facets.data} initialFilters={filters} initialPage={first.data} />
      ) : (
        <Alert tone="danger" title="Could not load the audit log">
          {!facets.ok ? facets.message : !first.ok ? first.message : null}
        </Alert>
      )}
    </>
  );
}
