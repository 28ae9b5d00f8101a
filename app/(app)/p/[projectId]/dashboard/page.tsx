import type { Metadata } from "next";
import { SectionPlaceholder } from "../_components/section-placeholder";

export const metadata: Metadata = { title: "Dashboard" };

export default async function Page({ params }: { params: Promise<{ projectId: string }> }) {
  return (
    <SectionPlaceholder
      projectIdParam={(await params).projectId}
      sectionKey="dashboard"
      blurb="Accuracy over time, automation rate, audited precision, throughput and per-annotator statistics."
    />
  );
}
