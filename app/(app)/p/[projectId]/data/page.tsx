import type { Metadata } from "next";
import { SectionPlaceholder } from "../_components/section-placeholder";

export const metadata: Metadata = { title: "Data" };

export default async function Page({ params }: { params: Promise<{ projectId: string }> }) {
  return (
    <SectionPlaceholder
      projectIdParam={(await params).projectId}
      sectionKey="data"
      blurb="Import items and labels from JSONL or CSV, and export the labelled set."
    />
  );
}
