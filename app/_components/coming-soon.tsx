import type { ReactNode } from "react";
import { EmptyState } from "./ui/empty-state";
import { PageHeader } from "./ui/page-header";

/** Placeholder for a project page that is not built yet; the nav entry already respects roles. */
export function ComingSoon({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div data-testid="coming-soon">
      <PageHeader title={title} />
      <EmptyState title="Coming soon">{children ?? "This part of Loupe is still being built."}</EmptyState>
    </div>
  );
}
