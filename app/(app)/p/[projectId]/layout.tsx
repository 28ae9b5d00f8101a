import type { ReactNode } from "react";
import Link from "next/link";
import { requireProject } from "@/server/http/rsc";
import { RoleBadge } from "@/app/_components/ui/badge";
import { sectionsFor } from "@/app/_lib/project-sections";
import { ProjectNav } from "./_components/project-nav";

export default async function ProjectLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ projectId: string }>;
}) {
  const project = await requireProject((await params).projectId);
  const sections = sectionsFor(project.role).map(({ key, label, segment, ready }) => ({ key, label, segment, ready }));
  return (
    <div>
      <div className="mb-5 border-b border-line">
        <nav aria-label="Breadcrumb" className="text-xs text-muted">
          <Link href="/" className="hover:text-ink">
            Projects
          </Link>
          <span aria-hidden="true" className="px-1.5">
            /
          </span>
        </nav>
        <div className="mt-1 flex flex-wrap items-center gap-2">
          <h1 className="text-lg font-semibold tracking-tight" data-testid="project-name">
            {project.name}
          </h1>
          <RoleBadge role={project.role} />
        </div>
        {project.description ? <p className="mt-0.5 max-w-3xl text-sm text-muted">{project.description}</p> : null}
        <ProjectNav projectId={project.id} sections={sections} />
      </div>
      {children}
    </div>
  );
}
