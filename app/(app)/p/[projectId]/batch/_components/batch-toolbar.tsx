"use client";
/** The filter bar: parent, predicted category, confidence range, reason, label state, sort, page size. */
import { useState, type FormEvent, type ReactNode } from "react";
import type { RouterOutputs } from "@/app/_lib/trpc/types";
import { Button } from "@/app/_components/ui/button";
import { Input, Select } from "@/app/_components/ui/form";
import { formatCount } from "@/app/_components/ui/stat";
import { DEFAULT_FILTERS, PAGE_SIZES, isFiltered, toPercent, type BatchFilters } from "../_lib/batch-filters";
import { isUnder } from "@/ml/taxonomy";

type Facets = RouterOutputs["batch"]["facets"];

const REASONS: Record<BatchFilters["reason"], string> = {
  all: "Any reason",
  uncertain: "Uncertain (unlabelled)",
  audit: "Awaiting audit",
  auto_accepted: "Auto-accepted",
  disputed: "Second opinion disagrees",
  suspect: "Suspected wrong label",
};
const LABEL_STATES: Record<BatchFilters["labelState"], string> = {
  any: "Any label",
  unlabelled: "Unlabelled",
  human: "Human label",
  auto: "Auto label",
  import: "Imported label",
};
const SORTS: Record<BatchFilters["sort"], string> = {
  confidence_desc: "Most confident first",
  confidence_asc: "Least confident first",
  margin_asc: "Smallest margin first",
  margin_desc: "Largest margin first",
};

function categoryUnder(facets: Facets, categoryId: number | undefined, parent: string): boolean {
  const c = facets.categories.find((x) => x.id === categoryId);
  return c !== undefined && isUnder(c.path, parent);
}

/** "80" or "80.5" (percent) → 0.8; blank → undefined; anything else → null (invalid). */
function parsePercent(text: string): number | undefined | null {
  const t = text.trim().replace(/%$/, "");
  if (t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) && n >= 0 && n <= 100 ? n / 100 : null;
}

export function BatchToolbar({
  filters,
  facets,
  onChange,
}: {
  filters: BatchFilters;
  facets: Facets;
  onChange: (f: BatchFilters) => void;
}) {
  const [min, setMin] = useState(filters.minConfidence === undefined ? "" : toPercent(filters.minConfidence));
  const [max, setMax] = useState(filters.maxConfidence === undefined ? "" : toPercent(filters.maxConfidence));
  const lo = parsePercent(min);
  const hi = parsePercent(max);
  const rangeError =
    lo === null || hi === null
      ? "Use a percentage from 0 to 100"
      : lo !== undefined && hi !== undefined && lo > hi
        ? "Lowest is above highest"
        : null;

  const applyRange = (e?: FormEvent) => {
    e?.preventDefault();
    if (rangeError || (lo === filters.minConfidence && hi === filters.maxConfidence)) return;
    onChange({ ...filters, minConfidence: lo ?? undefined, maxConfidence: hi ?? undefined });
  };

  return (
    <div
      role="search"
      aria-label="Filter predictions"
      className="flex flex-wrap items-end gap-x-3 gap-y-2 border-b border-line px-4 py-3"
    >
      {facets.parents.length > 0 ? (
        <Labelled id="batch-within" label="Within">
          <Select
            id="batch-within"
            className="w-48"
            value={filters.within ?? ""}
            onChange={(e) => {
              const within = e.target.value || undefined;
              // A predicted category outside the new parent would empty the grid: drop it.
              const keep = within === undefined || categoryUnder(facets, filters.categoryId, within);
              onChange({ ...filters, within, categoryId: keep ? filters.categoryId : undefined });
            }}
          >
            <option value="">Every parent</option>
            {facets.parents
              .filter((p) => p.predicted > 0 || p.path === filters.within)
              .map((p) => (
                <option key={p.path} value={p.path}>
                  {"\u2003".repeat(p.depth - 1)}
                  {p.path.split(" > ").pop()} ({formatCount(p.predicted)})
                </option>
              ))}
          </Select>
        </Labelled>
      ) : null}
      <Labelled id="batch-category" label="Predicted category">
        <Select
          id="batch-category"
          className="w-64"
          value={filters.categoryId ?? ""}
          onChange={(e) => onChange({ ...filters, categoryId: e.target.value ? Number(e.target.value) : undefined })}
        >
          <option value="">All categories ({formatCount(facets.scored)})</option>
          {facets.categories
            .filter((c) => c.predicted > 0 || c.id === filters.categoryId)
            .filter((c) => filters.within === undefined || isUnder(c.path, filters.within))
            .map((c) => (
              <option key={c.id} value={c.id}>
                {c.path}
                {c.deleted ? " (deleted)" : ""} ({formatCount(c.predicted)})
              </option>
            ))}
        </Select>
      </Labelled>
      <form
        onSubmit={applyRange}
        className="flex items-end gap-1.5"
        aria-describedby={rangeError ? "batch-range-error" : undefined}
      >
        <Labelled id="batch-min" label="Confidence ≥ %">
          <Input
            id="batch-min"
            inputMode="decimal"
            className="w-20"
            placeholder="0"
            value={min}
            aria-invalid={lo === null || undefined}
            onChange={(e) => setMin(e.target.value)}
            onBlur={() => applyRange()}
          />
        </Labelled>
        <Labelled id="batch-max" label="≤ %">
          <Input
            id="batch-max"
            inputMode="decimal"
            className="w-20"
            placeholder="100"
            value={max}
            aria-invalid={hi === null || undefined}
            onChange={(e) => setMax(e.target.value)}
            onBlur={() => applyRange()}
          />
        </Labelled>
        {/* Enter in either box applies the range. */}
        <button type="submit" className="sr-only">
          Apply confidence range
        </button>
      </form>
      <Labelled id="batch-reason" label="Reason">
        <Select
          id="batch-reason"
          className="w-48"
          value={filters.reason}
          onChange={(e) => onChange({ ...filters, reason: e.target.value as BatchFilters["reason"] })}
        >
          {Object.entries(REASONS).map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </Select>
      </Labelled>
      <Labelled id="batch-label" label="Label state">
        <Select
          id="batch-label"
          className="w-40"
          value={filters.labelState}
          onChange={(e) => onChange({ ...filters, labelState: e.target.value as BatchFilters["labelState"] })}
        >
          {Object.entries(LABEL_STATES).map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </Select>
      </Labelled>
      <Labelled id="batch-sort" label="Sort">
        <Select
          id="batch-sort"
          className="w-52"
          value={filters.sort}
          onChange={(e) => onChange({ ...filters, sort: e.target.value as BatchFilters["sort"] })}
        >
          {Object.entries(SORTS).map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </Select>
      </Labelled>
      <Labelled id="batch-size" label="Per page">
        <Select
          id="batch-size"
          className="w-24"
          value={filters.limit}
          onChange={(e) => onChange({ ...filters, limit: Number(e.target.value) as BatchFilters["limit"] })}
        >
          {PAGE_SIZES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </Select>
      </Labelled>
      {isFiltered(filters) ? (
        <Button
          variant="ghost"
          onClick={() => {
            setMin("");
            setMax("");
            onChange({ ...DEFAULT_FILTERS, sort: filters.sort, limit: filters.limit });
          }}
        >
          Clear filters
        </Button>
      ) : null}
      {rangeError ? (
        <p id="batch-range-error" className="w-full text-xs text-danger">
          Confidence: {rangeError}
        </p>
      ) : null}
    </div>
  );
}

function Labelled({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-xs font-medium text-muted">
        {label}
      </label>
      {children}
    </div>
  );
}
