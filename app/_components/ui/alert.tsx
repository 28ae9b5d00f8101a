import type { ReactNode } from "react";
import { errorMessage } from "@/app/_lib/errors";
import { cx } from "./cx";

type AlertTone = "info" | "ok" | "warn" | "danger";
const TONES: Record<AlertTone, string> = {
  info: "border-line-strong bg-surface text-ink",
  ok: "border-ok/30 bg-ok-soft text-ink",
  warn: "border-warn/30 bg-warn-soft text-ink",
  danger: "border-danger/30 bg-danger-soft text-ink",
};

export function Alert({
  tone = "info",
  title,
  children,
  action,
  className,
}: {
  tone?: AlertTone;
  title?: ReactNode;
  children?: ReactNode;
  action?: ReactNode;
  className?: string;
}) {
  return (
    <div
      role={tone === "danger" ? "alert" : "status"}
      className={cx(
        "flex items-start justify-between gap-3 rounded-md border px-3 py-2 text-sm",
        TONES[tone],
        className,
      )}
    >
      <div className="min-w-0">
        {title ? <p className="font-medium">{title}</p> : null}
        {children ? <div className={cx(title ? "mt-0.5 text-muted" : undefined)}>{children}</div> : null}
      </div>
      {action ? <div className="shrink-0">{action}</div> : null}
    </div>
  );
}

/** Any thrown value (tRPC or network) as a readable message; never shows internals. */
export function ErrorAlert({
  error,
  title,
  action,
  className,
}: {
  error: unknown;
  title?: ReactNode;
  action?: ReactNode;
  className?: string;
}) {
  return (
    <Alert tone="danger" title={title} action={action} className={className}>
      {errorMessage(error)}
    </Alert>
  );
}
