import type { Metadata } from "next";
import Link from "next/link";
import { getCaller, requireMe, settle } from "@/server/http/rsc";
import { RoleBadge } from "@/app/_components/ui/badge";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { PageHeader } from "@/app/_components/ui/page-header";
import { projectHref } from "@/app/_lib/project-sections";
import { CreateProjectForm } from "./_components/create-project-form";
import { ArchivedProjects } from "./_components/archived-projects";

export const metadata: Metadata = { title: "Projects" };

export default async function ProjectsPage() {
  const { user, projects } = await requireMe();
  const archived = user.isAdmin ? await settle((await getCaller()).projects.archived()) : null;
  return (
    <>
      <PageHeader
        title="Projects"
        description={
          user.isAdmin ? "As an instance administrator you can open every project." : "Projects you are a member of."
        }
      />
      {user.isAdmin ? (
        <div className="mb-4">
          <CreateProjectForm startOpen={projects.length === 0} />
        </div>
      ) : null}
      {projects.length === 0 ? (
        user.isAdmin ? (
          <EmptyState title="No projects yet">
            Create the first one above: its overview then walks you through the first steps.
          </EmptyState>
        ) : (
          <EmptyState title="You are not in any project yet">Ask an administrator to add you to a project.</EmptyState>
        )
      ) : (
        <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" data-testid="project-list">
          {projects.map((p) => (
            <li key={p.id}>
              <Link
                href={projectHref(p.id)}
                className="group flex h-full flex-col rounded-lg border border-line bg-surface p-4 shadow-xs transition-colors hover:border-accent/50 hover:shadow-sm"
              >
                <div className="flex items-start justify-between gap-3">
                  <h2 className="min-w-0 truncate font-semibold group-hover:text-accent">{p.name}</h2>
                  <RoleBadge role={p.role} />
                </div>
                <p className="mt-0.5 font-mono text-xs text-faint">{p.slug}</p>
                <p className="mt-2 line-clamp-2 text-sm text-muted">{p.description || "No description."}</p>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {archived?.ok ? <ArchivedProjects projects={archived.data} /> : null}
    </>
  );
}
