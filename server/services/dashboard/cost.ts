/**
 * What the people's time cost and what the model saved, from counts the
 * activity queries already have. Pure, so the formula is tested on its own:
 *
 *   human cost     = hours of handling time (every decision and skip) × hourly cost
 *   cost per item  = human cost / items categorised (human + auto labels set in the bucket;
 *                    imported labels came with the data and are not counted as work)
 *   hours saved    = auto-accepted items × median human handling time per decision
 */
const HOUR_MS = 3_600_000;

export type CostInputs = {
  hourlyCost: number;
  /** Median handling time of a human decision, or null when nobody has decided anything yet. */
  medianHandlingMs: number | null;
};

export type CostCounts = { handlingMs: number; humanLabels: number; autoLabels: number };

export type CostPoint = {
  humanHours: number;
  humanCost: number;
  itemsCategorised: number;
  costPerItem: number | null;
  autoAccepted: number;
  hoursSaved: number | null;
  moneySaved: number | null;
};

export function costOf(c: CostCounts, k: CostInputs): CostPoint {
  const humanHours = c.handlingMs / HOUR_MS;
  const humanCost = humanHours * k.hourlyCost;
  const itemsCategorised = c.humanLabels + c.autoLabels;
  const hoursSaved = k.medianHandlingMs === null ? null : (c.autoLabels * k.medianHandlingMs) / HOUR_MS;
  return {
    humanHours,
    humanCost,
    itemsCategorised,
    costPerItem: itemsCategorised > 0 ? humanCost / itemsCategorised : null,
    autoAccepted: c.autoLabels,
    hoursSaved,
    moneySaved: hoursSaved === null ? null : hoursSaved * k.hourlyCost,
  };
}

/** One point per bucket plus the running total of hours saved, and the range as a whole. */
export function costSeries(buckets: readonly ({ bucket: string } & CostCounts)[], k: CostInputs) {
  let cumulative = 0;
  const series = buckets.map((b) => {
    const point = costOf(b, k);
    cumulative += point.hoursSaved ?? 0;
    return { bucket: b.bucket, ...point, cumulativeHoursSaved: k.medianHandlingMs === null ? null : cumulative };
  });
  const sum = (key: keyof CostCounts) => buckets.reduce((s, b) => s + b[key], 0);
  const total = costOf(
    { handlingMs: sum("handlingMs"), humanLabels: sum("humanLabels"), autoLabels: sum("autoLabels") },
    k,
  );
  return { series, total };
}
