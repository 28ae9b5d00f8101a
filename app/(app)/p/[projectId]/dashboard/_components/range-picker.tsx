"use client";
import { useState, type FormEvent } from "react";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { Button, buttonClasses } from "@/app/_components/ui/button";
import { Input } from "@/app/_components/ui/form";
import { cx } from "@/app/_components/ui/cx";
import { PRESETS, parseDay, rangeToQuery, type DashboardRange } from "../_lib/range";

/** Presets are plain links (work before hydration); a custom range is two UTC days, both included. */
export function RangePicker({
  range,
  defaultFrom,
  defaultTo,
}: {
  range: DashboardRange;
  defaultFrom: string;
  defaultTo: string;
}) {
  const router = useRouter();
  const pathname = usePathname();
  const [from, setFrom] = useState(range.kind === "custom" ? range.from : defaultFrom);
  const [to, setTo] = useState(range.kind === "custom" ? range.to : defaultTo);
  const fromDay = parseDay(from);
  const toDay = parseDay(to);
  const invalid = !fromDay || !toDay || fromDay > toDay;

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!invalid) router.push(`${pathname}${rangeToQuery({ kind: "custom", from, to })}`);
  }

  return (
    <div className="flex flex-wrap items-center gap-3">
      <nav
        aria-label="Date range"
        className="inline-flex rounded-md border border-line-strong bg-surface p-0.5 shadow-xs"
      >
        {PRESETS.map((p) => {
          const active = range.kind === "preset" && range.preset === p.preset;
          return (
            <Link
              key={p.preset}
              href={`${pathname}${rangeToQuery({ kind: "preset", preset: p.preset })}`}
              aria-current={active ? "true" : undefined}
              className={cx(
                "rounded px-2.5 py-1 text-xs font-medium",
                active ? "bg-accent text-accent-fg" : "text-muted hover:bg-canvas hover:text-ink",
              )}
            >
              {p.label}
            </Link>
          );
        })}
      </nav>
      <form onSubmit={onSubmit} className="flex items-center gap-1.5" aria-label="Custom date range">
        <label htmlFor="range-from" className="text-xs text-muted">
          From
        </label>
        <Input
          id="range-from"
          type="date"
          className="w-36"
          value={from}
          max={to || undefined}
          onChange={(e) => setFrom(e.target.value)}
          aria-invalid={invalid || undefined}
        />
        <label htmlFor="range-to" className="text-xs text-muted">
          to
        </label>
        <Input
          id="range-to"
          type="date"
          className="w-36"
          value={to}
          min={from || undefined}
          onChange={(e) => setTo(e.target.value)}
          aria-invalid={invalid || undefined}
        />
        <Button type="submit" size="md" variant={range.kind === "custom" ? "primary" : "secondary"} disabled={invalid}>
          Apply
        </Button>
        {range.kind === "custom" ? (
          <Link
            href={`${pathname}${rangeToQuery({ kind: "preset", preset: "30d" })}`}
            className={buttonClasses("ghost", "md")}
          >
            Reset
          </Link>
        ) : null}
      </form>
    </div>
  );
}
