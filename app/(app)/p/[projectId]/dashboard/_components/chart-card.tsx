"use client";
import type { ReactNode } from "react";
import { Button } from "@/app/_components/ui/button";
import { Card, CardHeader } from "@/app/_components/ui/card";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { downloadText, toCsv, type CsvColumn } from "@/app/_lib/csv";

export type ChartCsv<T> = { filename: string; columns: readonly CsvColumn<T>[]; rows: readonly T[] };

/**
 * A chart panel: title, what it measures, a CSV of exactly the data drawn,
 * and an empty state instead of blank axes when there is nothing to draw.
 */
export function ChartCard<T>({
  id,
  title,
  description,
  csv,
  empty,
  children,
  className,
}: {
  id: string;
  title: string;
  description: ReactNode;
  csv: ChartCsv<T>;
  /** Set when there is nothing to draw: shown instead of the chart. */
  empty?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <Card className={className}>
      <div data-testid={`chart-${id}`} data-empty={empty ? "true" : undefined}>
        <CardHeader
          title={title}
          description={description}
          actions={
            <Button
              size="sm"
              variant="ghost"
              disabled={csv.rows.length === 0}
              aria-label={`Download ${title} as CSV`}
              onClick={() => downloadText(`${csv.filename}.csv`, toCsv(csv.columns, csv.rows))}
            >
              CSV
            </Button>
          }
        />
        <div className="px-3 pt-3 pb-2">
          {empty ? (
            <EmptyState title="No data yet" className="py-10">
              {empty}
            </EmptyState>
          ) : (
            children
          )}
        </div>
      </div>
    </Card>
  );
}

/** Recharts' own styling in the app's tokens, so every chart looks the same. */
export const AXIS_TICK = { fontSize: 11, fill: "var(--color-muted)" } as const;
export const GRID_STROKE = "var(--color-line)";
export const CHART_STYLE = { width: "100%", height: 240 } as const;
export const LEGEND_STYLE = { fontSize: 12 } as const;
export const TOOLTIP_STYLE = {
  contentStyle: { fontSize: 12, borderRadius: 6, borderColor: "var(--color-line-strong)" },
  labelStyle: { color: "var(--color-ink)", fontWeight: 500 },
} as const;
/** Human, auto and import, as on the source badges. */
export const SOURCE_COLOURS = {
  human: "var(--color-ok)",
  auto: "var(--color-accent)",
  import: "var(--color-faint)",
} as const;
