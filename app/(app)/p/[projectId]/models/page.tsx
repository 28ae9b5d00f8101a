import type { Metadata } from "next";
import { SectionPlaceholder } from "../_components/section-placeholder";

export const metadata: Metadata = { title: "Models" };

export default async function Page({ params }: { params: Promise<{ projectId: string }> }) {
  return (
    <SectionPlaceholder
      projectIdParam={(await params).projectId}
      sectionKey="models"
      blurb="Training runs, gold-set metrics, calibration, activation and rollback."
    />
  );
}
