import type { Metadata } from "next";
import { SectionPlaceholder } from "../_components/section-placeholder";

export const metadata: Metadata = { title: "Review" };

export default async function Page({ params }: { params: Promise<{ projectId: string }> }) {
  return (
    <SectionPlaceholder
      projectIdParam={(await params).projectId}
      sectionKey="review"
      blurb="One item at a time, most uncertain first, with the model's suggestion and keyboard shortcuts."
    />
  );
}
