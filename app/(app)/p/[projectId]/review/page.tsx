import type { Metadata } from "next";
import { getCaller, requireMe, unwrap } from "@/server/http/rsc";
import { requireSection } from "../_lib/section";
import { ReviewApp } from "./_components/review-app";

export const metadata: Metadata = { title: "Review" };

/** Taxonomies beyond this are searched from what loaded; the bound keeps the page fast. */
const MAX_CATEGORY_PAGES = 50;

export default async function ReviewPage({ params }: { params: Promise<{ projectId: string }> }) {
  const gate = await requireSection((await params).projectId, "review");
  const caller = await getCaller();
  const projectId = gate.project.id;
  const [{ user }, overview, categories] = await Promise.all([
    requireMe(),
    unwrap(caller.projects.get({ projectId })),
    allCategories(caller, projectId),
  ]);
  return (
    <ReviewApp
      projectId={projectId}
      userId={user.id}
      hasModel={overview.activeModelVersionId !== null}
      strategy={overview.settings.strategy}
      poolItems={overview.itemCounts.pool}
      initialCategories={categories}
    />
  );
}

async function allCategories(caller: Awaited<ReturnType<typeof getCaller>>, projectId: number) {
  const out: { id: number; path: string }[] = [];
  let cursor: number | undefined;
  for (let page = 0; page < MAX_CATEGORY_PAGES; page++) {
    const r = await unwrap(caller.categories.list({ projectId, limit: 100, cursor }));
    out.push(...r.categories.map((c) => ({ id: c.id, path: c.path })));
    if (r.nextCursor === null) break;
    cursor = r.nextCursor;
  }
  return out;
}
