import type { Metadata } from "next";
import { getCaller, settle } from "@/server/http/rsc";
import { Alert } from "@/app/_components/ui/alert";
import { PageHeader } from "@/app/_components/ui/page-header";
import { requireSection } from "../_lib/section";
import { DashboardView } from "./_components/dashboard-view";
import { RangePicker } from "./_components/range-picker";
import { dayKey, parseRange, rangeLabel, rangeSlug, rangeToInput } from "./_lib/range";

export const metadata: Metadata = { title: "Dashboard" };

type Props = {
  params: Promise<{ projectId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export default async function DashboardPage({ params, searchParams }: Props) {
  const gate = await requireSection((await params).projectId, "dashboard");
  const project = gate.project;
  const range = parseRange(await searchParams);
  const now = new Date();
  const input = { projectId: project.id, ...rangeToInput(range, now) };
  const caller = await getCaller();
  const [activity, trends, activeModel] = await Promise.all([
    settle(caller.dashboard.activity(input)),
    settle(caller.dashboard.trends(input)),
    settle(caller.dashboard.activeModel({ projectId: project.id, confusions: 10 })),
  ]);

  const header = (
    <PageHeader
      title="Dashboard"
      description={`Accuracy, automation, audited precision, throughput and cost, ${rangeLabel(range)} (UTC days).`}
      actions={
        <RangePicker
          range={range}
          defaultFrom={dayKey(new Date(now.getTime() - 29 * 86_400_000))}
          defaultTo={dayKey(now)}
        />
      }
    />
  );
  const failed = [activity, trends, activeModel].find((r) => !r.ok);
  if (failed && !failed.ok) {
    return (
      <>
        {header}
        <Alert tone="danger" title="Could not load the dashboard">
          {failed.message}
        </Alert>
      </>
    );
  }
  return (
    <>
      {header}
      {activity.ok && trends.ok && activeModel.ok ? (
        <DashboardView
          file={`${project.slug}-${rangeSlug(range)}`}
          activity={activity.data}
          trends={trends.data}
          activeModel={activeModel.data}
        />
      ) : null}
    </>
  );
}
