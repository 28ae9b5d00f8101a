import type { Metadata } from "next";
import { getCaller, settle } from "@/server/http/rsc";
import { Alert } from "@/app/_components/ui/alert";
import { PageHeader } from "@/app/_components/ui/page-header";
import { requireSection } from "../_lib/section";
import { CategoriesManager, type CategoryRow } from "./_components/categories-manager";
import { TaxonomyImport } from "./_components/taxonomy-import";

export const metadata: Metadata = { title: "Categories" };

/** A taxonomy is hundreds of categories, not tens of thousands: read it whole, bounded. */
const MAX_PAGES = 50;

export default async function CategoriesPage({ params }: { params: Promise<{ projectId: string }> }) {
  const gate = await requireSection((await params).projectId, "categories");
  const projectId = gate.project.id;
  const caller = await getCaller();
  const header = (
    <PageHeader
      title="Categories"
      description="The taxonomy items are labelled with. Ids never change: renaming keeps every label, and a removed category stays on the items that have it but is no longer offered."
    />
  );
  const rows: CategoryRow[] = [];
  let cursor: number | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await settle(caller.categories.list({ projectId, includeDeleted: true, limit: 100, cursor }));
    if (!res.ok) {
      return (
        <>
          {header}
          <Alert tone="danger" title="Could not load the categories">
            {res.message}
          </Alert>
        </>
      );
    }
    rows.push(...res.data.categories);
    if (res.data.nextCursor === null) break;
    cursor = res.data.nextCursor;
  }
  return (
    <>
      {header}
      <div className="space-y-5">
        <TaxonomyImport projectId={projectId} />
        <CategoriesManager projectId={projectId} categories={rows} />
      </div>
    </>
  );
}
