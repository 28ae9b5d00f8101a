/**
 * For project pages: the project and the caller's role in it, or, when that role may not
 * open the section, Next's forbidden(): an HTTP 403 with ../forbidden.tsx, which says
 * which roles would. Usage in a page:
 *
 *   const { project } = await requireSection((await params).projectId, "review");
 */
import { forbidden } from "next/navigation";
import { requireProject, type MyProject } from "@/server/http/rsc";
import { sectionAllows, sectionByKey } from "@/app/_lib/project-sections";

export async function requireSection(projectIdParam: string, sectionKey: string): Promise<{ project: MyProject }> {
  const project = await requireProject(projectIdParam);
  if (!sectionAllows(sectionByKey(sectionKey), project.role)) forbidden();
  return { project };
}
