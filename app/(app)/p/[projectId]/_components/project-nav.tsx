"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cx } from "@/app/_components/ui/cx";
import { projectHref } from "@/app/_lib/project-sections";

type NavEntry = { key: string; label: string; segment: string; ready: boolean };

export function ProjectNav({ projectId, sections }: { projectId: number; sections: NavEntry[] }) {
  const pathname = usePathname();
  return (
    // Wraps on narrow windows: a scrolled tab bar hides its last tabs without a visible cue.
    <nav aria-label="Project" className="-mb-px mt-3 flex flex-wrap gap-x-1">
      {sections.map((s) => {
        const href = projectHref(projectId, s.segment);
        const active = s.segment ? pathname === href || pathname.startsWith(`${href}/`) : pathname === href;
        return (
          <Link
            key={s.key}
            href={href}
            aria-current={active ? "page" : undefined}
            className={cx(
              "border-b-2 px-2.5 pt-1 pb-2 text-sm whitespace-nowrap transition-colors",
              active
                ? "border-accent font-medium text-ink"
                : "border-transparent text-muted hover:border-line-strong hover:text-ink",
            )}
          >
            {s.label}
            {s.ready ? null : <span className="sr-only"> (coming soon)</span>}
          </Link>
        );
      })}
    </nav>
  );
}
