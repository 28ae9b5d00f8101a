import type { Metadata } from "next";
import { getCaller, settle } from "@/server/http/rsc";
import { Alert } from "@/app/_components/ui/alert";
import { PageHeader } from "@/app/_components/ui/page-header";
import { requireSection } from "../_lib/section";
import { BatchReview } from "./_components/batch-review";
import { batchFiltersToQuery, parseBatchFilters } from "./_lib/batch-filters";

export const metadata: Metadata = { title: "Batch review" };

type Props = {
  params: Promise<{ projectId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export default async function BatchReviewPage({ params, searchParams }: Props) {
  const gate = await requireSection((await params).projectId, "batch");
  const projectId = gate.project.id;
  const parsed = parseBatchFilters(await searchParams);
  const caller = await getCaller();
  const facets = await settle(caller.batch.facets({ projectId }));
  // A category id in the URL that is not one of this project's would be a 404 from the procedure: drop it instead.
  const known = facets.ok && facets.data.categories.some((c) => c.id === parsed.categoryId);
  const filters = known ? parsed : { ...parsed, categoryId: undefined };
  const firstPage = facets.ok ? await settle(caller.batch.list({ projectId, ...filters })) : null;
  return (
    <>
      <PageHeader
        title="Batch review"
        description="Approve or correct many of the active model's predictions at once. Filter to what the model is sure of, select with the keyboard, decide in one step."
      />
      {!facets.ok ? (
        <Alert tone="danger" title="Could not load the categories">
          {facets.message}
        </Alert>
      ) : !firstPage?.ok ? (
        <Alert tone="danger" title="Could not load the predictions">
          {firstPage?.message}
        </Alert>
      ) : (
        <BatchReview
          key={batchFiltersToQuery(filters)}
          projectId={projectId}
          filters={filters}
          facets={facets.data}
          initialPage={firstPage.data}
        />
      )}
    </>
  );
}
