import { AccessDenied } from "@/app/_components/access-denied";
import { ComingSoon } from "@/app/_components/coming-soon";
import { sectionByKey } from "@/app/_lib/project-sections";
import { gateSection } from "../_lib/section";

/** A nav target that is not built yet: role-checked, then "coming soon". */
export async function SectionPlaceholder({
  projectIdParam,
  sectionKey,
  blurb,
}: {
  projectIdParam: string;
  sectionKey: string;
  blurb: string;
}) {
  const gate = await gateSection(projectIdParam, sectionKey);
  if (!gate.allowed) return <AccessDenied role={gate.project.role} needed={gate.needed} backHref={gate.backHref} />;
  return <ComingSoon title={sectionByKey(sectionKey).label}>{blurb}</ComingSoon>;
}
