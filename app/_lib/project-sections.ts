/**
 * The pages of a project, in nav order, with the capability (server/auth/roles.ts
 * `CAN`) that opens each. The nav hides what a role cannot open; each page checks
 * again and the procedures enforce it for real.
 */
import { CAN, type Role } from "@/lib/constants";

export type Capability = keyof typeof CAN;

export type ProjectSection = {
  key: string;
  label: string;
  /** Path under /p/[projectId]; "" is the overview. */
  segment: string;
  /** Any one of these opens the page. */
  needs: readonly Capability[];
  ready: boolean;
};

export const PROJECT_SECTIONS: readonly ProjectSection[] = [
  { key: "overview", label: "Overview", segment: "", needs: ["view"], ready: true },
  { key: "review", label: "Review", segment: "review", needs: ["annotate"], ready: true },
  { key: "batch", label: "Batch review", segment: "batch", needs: ["batchReview"], ready: true },
  { key: "models", label: "Models", segment: "models", needs: ["manageModels"], ready: true },
  { key: "dashboard", label: "Dashboard", segment: "dashboard", needs: ["viewMetrics"], ready: true },
  { key: "data", label: "Data", segment: "data", needs: ["importData", "exportData"], ready: true },
  { key: "members", label: "Members", segment: "members", needs: ["manageMembers"], ready: true },
  { key: "audit", label: "Audit log", segment: "audit", needs: ["readAudit"], ready: true },
  { key: "categories", label: "Categories", segment: "categories", needs: ["manageModels"], ready: true },
  { key: "settings", label: "Settings", segment: "settings", needs: ["manageModels"], ready: true },
];

export function sectionAllows(section: Pick<ProjectSection, "needs">, role: Role): boolean {
  return section.needs.some((c) => (CAN[c] as readonly Role[]).includes(role));
}

export function sectionsFor(role: Role): ProjectSection[] {
  return PROJECT_SECTIONS.filter((s) => sectionAllows(s, role));
}

export function sectionByKey(key: string): ProjectSection {
  const s = PROJECT_SECTIONS.find((x) => x.key === key);
  if (!s) throw new Error(`Unknown project section ${key}`);
  return s;
}

/** Roles that may open a section, for the "you don't have access" message. */
export function rolesFor(section: Pick<ProjectSection, "needs">): Role[] {
  const out = new Set<Role>();
  for (const c of section.needs) for (const r of CAN[c]) out.add(r);
  return [...out];
}

export function projectHref(projectId: number, segment = ""): string {
  return segment ? `/p/${projectId}/${segment}` : `/p/${projectId}`;
}
