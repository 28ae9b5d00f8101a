import type { Metadata } from "next";
import { SectionPlaceholder } from "../_components/section-placeholder";

export const metadata: Metadata = { title: "Batch review" };

export default async function Page({ params }: { params: Promise<{ projectId: string }> }) {
  return (
    <SectionPlaceholder
      projectIdParam={(await params).projectId}
      sectionKey="batch"
      blurb="Accept or correct many confident predictions at once, grouped by category."
    />
  );
}
