/**
 * For project pages: the project, the caller's role, and whether that role
 * may open the section. Usage in a page:
 *
 *   const gate = await gateSection((await params).projectId, "review");
 *   if (!gate.allowed) return <AccessDenied role={gate.project.role} needed={gate.needed} backHref={gate.backHref} />;
 */
import { requireProject, type MyProject } from "@/server/http/rsc";
import type { Role } from "@/lib/constants";
import { projectHref, rolesFor, sectionAllows, sectionByKey } from "@/app/_lib/project-sections";

export type SectionGate = { project: MyProject; allowed: boolean; needed: Role[]; backHref: string };

export async function gateSection(projectIdParam: string, sectionKey: string): Promise<SectionGate> {
  const project = await requireProject(projectIdParam);
  const section = sectionByKey(sectionKey);
  return {
    project,
    allowed: sectionAllows(section, project.role),
    needed: rolesFor(section),
    backHref: projectHref(project.id),
  };
}
