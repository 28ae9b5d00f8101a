import type { ReactNode } from "react";
import type { Role } from "@/lib/constants";
import { cx } from "./cx";

export type Tone = "neutral" | "accent" | "ok" | "warn" | "danger";

const TONES: Record<Tone, string> = {
  neutral: "bg-line/70 text-muted ring-line-strong/60",
  accent: "bg-accent-soft text-accent ring-accent/20",
  ok: "bg-ok-soft text-ok ring-ok/25",
  warn: "bg-warn-soft text-warn ring-warn/25",
  danger: "bg-danger-soft text-danger ring-danger/25",
};

export function Badge({
  tone = "neutral",
  children,
  className,
}: {
  tone?: Tone;
  children: ReactNode;
  className?: string;
}) {
  return (
    <span
      className={cx(
        "inline-flex items-center rounded px-1.5 py-px text-[11px] leading-4 font-medium ring-1 ring-inset whitespace-nowrap",
        TONES[tone],
        className,
      )}
    >
      {children}
    </span>
  );
}

export const ROLE_LABEL: Record<Role, string> = {
  annotator: "Annotator",
  reviewer: "Reviewer",
  ml_engineer: "ML engineer",
  manager: "Manager",
  admin: "Admin",
};

const ROLE_TONE: Record<Role, Tone> = {
  annotator: "neutral",
  reviewer: "ok",
  ml_engineer: "warn",
  manager: "neutral",
  admin: "accent",
};

export function RoleBadge({ role }: { role: Role }) {
  return <Badge tone={ROLE_TONE[role]}>{ROLE_LABEL[role]}</Badge>;
}

export type LabelSource = "human" | "auto" | "import";
const SOURCE_TONE: Record<LabelSource, Tone> = { human: "ok", auto: "accent", import: "neutral" };
const SOURCE_LABEL: Record<LabelSource, string> = { human: "Human", auto: "Auto", import: "Import" };

export function SourceBadge({ source }: { source: LabelSource | null }) {
  if (!source) return <Badge>Unlabelled</Badge>;
  return <Badge tone={SOURCE_TONE[source]}>{SOURCE_LABEL[source]}</Badge>;
}

export function SplitBadge({ split }: { split: "pool" | "test" }) {
  return <Badge tone={split === "test" ? "warn" : "neutral"}>{split === "test" ? "Test" : "Pool"}</Badge>;
}
