import type { Metadata } from "next";
import { getCaller, requireProject, settle } from "@/server/http/rsc";
import { Alert } from "@/app/_components/ui/alert";
import { Card, CardBody, CardHeader } from "@/app/_components/ui/card";
import { Stat, formatCount } from "@/app/_components/ui/stat";
import { FirstSteps } from "./_components/first-steps";
import { GoldStatus } from "./_components/gold-status";
import { ItemsBrowser } from "./_components/items-browser";
import { parseItemFilters, type ItemFilters } from "./_lib/item-filters";
import { firstSteps } from "./_lib/first-steps";

export const metadata: Metadata = { title: "Overview" };

type Props = {
  params: Promise<{ projectId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

const STRATEGY_LABEL = {
  least_confidence: "Least confidence",
  margin: "Margin",
  entropy: "Entropy",
  random: "Random",
} as const;

export default async function ProjectOverviewPage({ params, searchParams }: Props) {
  const project = await requireProject((await params).projectId);
  const filters: ItemFilters = parseItemFilters(await searchParams);
  const caller = await getCaller();
  const [overview, firstPage, gold] = await Promise.all([
    settle(caller.projects.get({ projectId: project.id })),
    settle(caller.items.list({ projectId: project.id, ...filters, limit: 50 })),
    settle(caller.evaluation.status({ projectId: project.id })),
  ]);

  if (!overview.ok)
    return (
      <Alert tone="danger" title="Could not load this project">
        {overview.message}
      </Alert>
    );
  const o = overview.data;
  const totalItems = o.itemCounts.pool + o.itemCounts.test;
  const labelled = o.labelCounts.human + o.labelCounts.auto + o.labelCounts.import;
  const steps = firstSteps({
    ...o,
    retrainEveryLabels: o.settings.retrainEveryLabels,
    gold: gold.ok ? { total: gold.data.gold.total, needed: gold.data.needed.perfectRecord } : { total: 0, needed: 1 },
  });

  return (
    <div className="space-y-6">
      <FirstSteps
        projectId={project.id}
        role={o.myRole}
        steps={steps}
        blocking={gold.ok ? (gold.data.blocking?.message ?? null) : null}
      />
      <section aria-labelledby="counts-heading">
        <h2 id="counts-heading" className="sr-only">
          Counts
        </h2>
        <dl className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-7" data-testid="overview-counts">
          <Stat label="Items" value={totalItems} />
          <Stat label="Pool" value={o.itemCounts.pool} hint="to label" />
          <Stat label="Test (gold)" value={o.itemCounts.test} hint="for evaluation" />
          <Stat label="Human labels" value={o.labelCounts.human} />
          <Stat label="Auto labels" value={o.labelCounts.auto} />
          <Stat label="Imported labels" value={o.labelCounts.import} />
          <Stat label="Categories" value={o.categoryCount} />
        </dl>
        <p className="mt-2 text-xs text-muted">
          {totalItems === 0
            ? "No items yet."
            : `${formatCount(labelled)} of ${formatCount(totalItems)} items labelled (${Math.round((labelled / totalItems) * 100)}%).`}{" "}
          Active model: {o.activeModelVersion !== null ? `v${o.activeModelVersion}` : "none yet"}. Strategy:{" "}
          {STRATEGY_LABEL[o.settings.strategy]}, batches of {o.settings.batchSize}, precision target{" "}
          {Math.round(o.settings.precisionTarget * 1000) / 10}%, audit rate{" "}
          {Math.round(o.settings.auditRate * 1000) / 10}%.
        </p>
      </section>

      {gold.ok ? <GoldStatus status={gold.data} /> : <Alert tone="warn">{gold.message}</Alert>}

      <Card>
        <CardHeader title="Items" description="Every item with its current label and where that label came from." />
        {firstPage.ok ? (
          <ItemsBrowser projectId={project.id} filters={filters} initialPage={firstPage.data} />
        ) : (
          <CardBody>
            <Alert tone="danger">{firstPage.message}</Alert>
          </CardBody>
        )}
      </Card>
    </div>
  );
}
