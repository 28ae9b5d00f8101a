import { AccessDenied } from "@/app/_components/access-denied";
import { PROJECT_SECTIONS, projectHref, rolesFor } from "@/app/_lib/project-sections";
import { requestPath, requireProject } from "@/server/http/rsc";

/**
 * What forbidden() renders for a project page (with HTTP 403). Next gives this file no
 * props, so the project and section come from the requested path (set by proxy.ts): the
 * message names the caller's role and the roles that would open the page.
 */
export default async function ProjectForbidden() {
  const [, projectIdParam = "", segment = ""] = /^\/p\/([^/?]+)(?:\/([^/?]+))?/.exec(await requestPath()) ?? [];
  const project = await requireProject(projectIdParam);
  const section = PROJECT_SECTIONS.find((s) => s.segment === segment);
  return (
    <AccessDenied
      role={project.role}
      needed={section ? rolesFor(section) : undefined}
      backHref={projectHref(project.id)}
    />
  );
}
