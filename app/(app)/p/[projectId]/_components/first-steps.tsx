/**
 * The overview's walkthrough for a project that is not running yet: each first
 * step, done or not, what comes next, and why nothing is automated so far.
 * Hidden once every step is done: the gold card below says the rest.
 */
import Link from "next/link";
import { Card, CardBody, CardHeader } from "@/app/_components/ui/card";
import { buttonClasses } from "@/app/_components/ui/button";
import { projectHref, sectionAllows, sectionByKey } from "@/app/_lib/project-sections";
import type { Role } from "@/lib/constants";
import { cx } from "@/app/_components/ui/cx";
import { nextStep, type FirstStep } from "../_lib/first-steps";

export function FirstSteps({
  projectId,
  role,
  steps,
  blocking,
}: {
  projectId: number;
  role: Role;
  steps: FirstStep[];
  blocking: string | null;
}) {
  const next = nextStep(steps);
  if (!next) return null;
  const canOpen = (s: FirstStep) => sectionAllows(sectionByKey(s.segment), role);
  return (
    <section data-testid="first-steps" data-next={next.key} aria-label="First steps">
      <Card>
        <CardHeader
          title="First steps"
          description="What this project needs before the model can take work off people."
        />
        <CardBody className="space-y-3">
          <ol className="space-y-2">
            {steps.map((s, i) => (
              <li key={s.key} className="flex items-start gap-3 text-sm" data-step={s.key} data-done={s.done}>
                <span
                  aria-hidden="true"
                  className={cx(
                    "mt-0.5 flex size-5 shrink-0 items-center justify-center rounded-full text-xs font-medium",
                    s.done ? "bg-ok-soft text-ok" : s === next ? "bg-accent text-accent-fg" : "bg-line text-muted",
                  )}
                >
                  {s.done ? "✓" : i + 1}
                </span>
                <div className="min-w-0">
                  <p className={cx("font-medium", s.done && "text-muted")}>
                    {s.title}
                    <span className="sr-only">{s.done ? " (done)" : s === next ? " (next)" : ""}</span>
                  </p>
                  <p className="text-muted">{s.detail}</p>
                </div>
              </li>
            ))}
          </ol>
          <div className="flex flex-wrap items-center gap-3 border-t border-line pt-3 text-sm" data-testid="next-step">
            <span>
              <span className="font-medium">Next:</span> {next.title.toLowerCase()}.
            </span>
            {canOpen(next) ? (
              <Link href={projectHref(projectId, next.segment)} className={buttonClasses("primary", "sm")}>
                {next.title}
              </Link>
            ) : (
              <span className="text-muted">Someone with access to {sectionByKey(next.segment).label} does this.</span>
            )}
          </div>
          {blocking ? (
            <p className="text-xs text-muted">
              <span className="font-medium text-ink">Why nothing is automated yet:</span> {blocking}
            </p>
          ) : null}
        </CardBody>
      </Card>
    </section>
  );
}
