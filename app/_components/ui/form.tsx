import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from "react";
import { cx } from "./cx";

const CONTROL =
  "block rounded-md border border-line-strong bg-surface px-2.5 text-sm text-ink shadow-xs placeholder:text-faint " +
  "focus:border-accent focus:outline-none focus:ring-2 focus:ring-accent/25 disabled:bg-canvas disabled:text-muted " +
  "aria-invalid:border-danger aria-invalid:ring-danger/20";

/** Full width unless the caller gives a width (w-*), so `className="w-64"` is not overridden. */
function width(className: string | undefined): string | undefined {
  return className && /(^|\s)w-/.test(className) ? undefined : "w-full";
}

export function Input({ className, ...rest }: InputHTMLAttributes<HTMLInputElement>) {
  return <input className={cx(CONTROL, "h-8", width(className), className)} {...rest} />;
}

export function Select({ className, children, ...rest }: SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <select className={cx(CONTROL, "h-8 pr-7", width(className), className)} {...rest}>
      {children}
    </select>
  );
}

/** Label + control + hint/error, wired for screen readers through ids. */
export function Field({
  id,
  label,
  hint,
  error,
  children,
  className,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <div className={cx("space-y-1", className)}>
      <label htmlFor={id} className="block text-xs font-medium text-ink">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="text-xs text-danger">
          {error}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="text-xs text-muted">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
