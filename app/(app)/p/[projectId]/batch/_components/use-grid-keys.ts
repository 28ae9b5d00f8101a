"use client";
/**
 * Grid shortcuts on the window, so they work without first clicking the grid.
 * Ignored while typing in a form control or while a dialog is open.
 */
import { useEffect, useRef } from "react";

export type GridKeyHandlers = {
  move: (delta: number, extend: boolean) => void;
  toggleFocused: () => void;
  selectAll: () => void;
  clear: () => void;
  approve: () => void;
  correct: () => void;
  /** On suspected wrong labels: keep the current label, or take the detector's suggestion. */
  keepLabel: () => void;
  takeSuggestion: () => void;
  nextPage: () => void;
  previousPage: () => void;
};

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLInputElement) return target.type !== "checkbox";
  return target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

export function useGridKeys(enabled: boolean, handlers: GridKeyHandlers): void {
  // The latest handlers without re-subscribing on every render.
  const ref = useRef(handlers);
  ref.current = handlers;

  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || isTyping(e.target)) return;
      // Space on a focused button or link presses it; the grid must not also toggle a row.
      if (e.key === " " && (e.target instanceof HTMLButtonElement || e.target instanceof HTMLAnchorElement)) return;
      const h = ref.current;
      const mod = e.ctrlKey || e.metaKey;
      if (mod) {
        if (e.key.toLowerCase() !== "a") return;
        h.selectAll();
      } else {
        switch (e.key) {
          case "j":
          case "J":
          case "ArrowDown":
            h.move(1, e.shiftKey);
            break;
          case "k":
          case "K":
          case "ArrowUp":
            h.move(-1, e.shiftKey);
            break;
          case " ":
          case "x":
            h.toggleFocused();
            break;
          case "a":
            h.approve();
            break;
          case "c":
            h.correct();
            break;
          case "l":
            h.keepLabel();
            break;
          case "s":
            h.takeSuggestion();
            break;
          case "Escape":
            h.clear();
            break;
          case "n":
            h.nextPage();
            break;
          case "p":
            h.previousPage();
            break;
          default:
            return;
        }
      }
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [enabled]);
}
