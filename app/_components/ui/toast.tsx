"use client";
/**
 * Toasts: `const toast = useToast(); toast({ title: "Saved" })` or
 * `toast({ tone: "danger", title: "Could not save", description: errorMessage(err) })`.
 * Rendered as text in a polite live region; dismissed after a few seconds or by Escape / the close button.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { cx } from "./cx";

type ToastTone = "info" | "ok" | "danger";
export type ToastInput = { title: string; description?: string; tone?: ToastTone; durationMs?: number };
type ToastItem = ToastInput & { id: number };

const ToastContext = createContext<((t: ToastInput) => void) | null>(null);

export function useToast(): (t: ToastInput) => void {
  const ctx = useContext(ToastContext);
  if (!ctx) throw new Error("useToast must be used inside <ToastProvider>");
  return ctx;
}

const TONE_BAR: Record<ToastTone, string> = { info: "bg-accent", ok: "bg-ok", danger: "bg-danger" };

export function ToastProvider({ children }: { children: ReactNode }) {
  const [items, setItems] = useState<ToastItem[]>([]);
  const nextId = useRef(1);
  const dismiss = useCallback((id: number) => setItems((xs) => xs.filter((x) => x.id !== id)), []);
  const push = useCallback((t: ToastInput) => {
    const id = nextId.current++;
    setItems((xs) => [...xs.slice(-3), { ...t, id }]);
  }, []);

  useEffect(() => {
    if (items.length === 0) return;
    const onKey = (e: KeyboardEvent) => {
      const last = items[items.length - 1];
      if (e.key === "Escape" && last) dismiss(last.id);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [items, dismiss]);

  const value = useMemo(() => push, [push]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <div aria-live="polite" className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-80 flex-col gap-2">
        {items.map((t) => (
          <ToastCard key={t.id} item={t} onDismiss={dismiss} />
        ))}
      </div>
    </ToastContext.Provider>
  );
}

function ToastCard({ item, onDismiss }: { item: ToastItem; onDismiss: (id: number) => void }) {
  const tone = item.tone ?? "info";
  useEffect(() => {
    const ms = item.durationMs ?? (tone === "danger" ? 8000 : 4000);
    const timer = window.setTimeout(() => onDismiss(item.id), ms);
    return () => window.clearTimeout(timer);
  }, [item.id, item.durationMs, tone, onDismiss]);
  return (
    <div
      role={tone === "danger" ? "alert" : "status"}
      className="pointer-events-auto flex overflow-hidden rounded-md border border-line bg-surface text-sm shadow-lg"
    >
      <span aria-hidden="true" className={cx("w-1 shrink-0", TONE_BAR[tone])} />
      <div className="min-w-0 flex-1 px-3 py-2">
        <p className="font-medium">{item.title}</p>
        {item.description ? <p className="mt-0.5 text-xs text-muted">{item.description}</p> : null}
      </div>
      <button
        type="button"
        onClick={() => onDismiss(item.id)}
        className="px-2 text-faint hover:text-ink"
        aria-label="Dismiss notification"
      >
        ×
      </button>
    </div>
  );
}
