"use client";
/**
 * A confirmation modal on the native <dialog>: `showModal()` makes the rest of
 * the page inert (focus stays inside, screen readers see only the dialog) and
 * Escape cancels. Tab is additionally wrapped between the first and last
 * control so focus never leaves for the browser chrome, and focus returns to
 * whatever opened the dialog.
 */
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from "react";
import { Button, type ButtonVariant } from "@/app/_components/ui/button";

export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  confirmVariant = "primary",
  busy = false,
  error,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  confirmVariant?: ButtonVariant;
  busy?: boolean;
  error?: ReactNode;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement;
      d.showModal();
    } else if (!open && d.open) {
      d.close();
      if (opener.current instanceof HTMLElement && opener.current.isConnected) opener.current.focus();
    }
  }, [open]);

  const trapTab = (e: KeyboardEvent<HTMLDialogElement>) => {
    if (e.key !== "Tab" || !ref.current) return;
    const focusable = [
      ...ref.current.querySelectorAll<HTMLElement>(
        "button:not([disabled]), a[href], input:not([disabled]), [tabindex]:not([tabindex='-1'])",
      ),
    ];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onKeyDown={trapTab}
      // Escape: the browser fires `cancel`; keep React state the source of truth.
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onCancel();
      }}
      className="m-auto w-full max-w-md rounded-lg border border-line bg-surface p-0 text-ink shadow-lg backdrop:bg-ink/30"
    >
      {open ? (
        <div className="p-5">
          <h2 id={titleId} className="text-base font-semibold">
            {title}
          </h2>
          <div id={bodyId} className="mt-2 space-y-2 text-sm text-muted">
            {children}
          </div>
          {error ? (
            <p
              role="alert"
              className="mt-3 rounded-md border border-danger/30 bg-danger-soft px-3 py-2 text-sm text-ink"
            >
              {error}
            </p>
          ) : null}
          <div className="mt-5 flex justify-end gap-2">
            {/* Cancel first and focused: the safe choice is the default one. */}
            <Button autoFocus onClick={onCancel} disabled={busy}>
              Cancel
            </Button>
            <Button variant={confirmVariant} onClick={onConfirm} busy={busy}>
              {confirmLabel}
            </Button>
          </div>
        </div>
      ) : null}
    </dialog>
  );
}
