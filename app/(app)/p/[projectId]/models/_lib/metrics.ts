/**
 * The shapes inside a model version's `metrics` and a calibration's `metrics`
 * (jsonb, typed `Record<string, unknown>` on the server). Parsed, not cast:
 * versions written by older code may lack fields, and a missing part must
 * show as "not recorded", never crash the page.
 */
import { z } from "zod";

const num = z.number().finite();
const nullableNum = num.nullable().catch(null);

export const SummarySchema = z.object({
  accuracy: nullableNum,
  macroF1: nullableNum,
  ece: nullableNum,
  coverageAtTarget: nullableNum,
});
export type Summary = z.infer<typeof SummarySchema>;

export const CurvePointSchema = z.object({ threshold: num, coverage: num, precision: num, lowerBound: num });
export type CurvePoint = z.infer<typeof CurvePointSchema>;

const ReliabilityBinSchema = z.object({ lo: num, hi: num, count: num, accuracy: num, confidence: num });
export type ReliabilityBin = z.infer<typeof ReliabilityBinSchema>;

const PerClassSchema = z.object({ categoryId: num, precision: num, recall: num, f1: num, support: num });
export type PerClass = z.infer<typeof PerClassSchema>;

const ConfusionSchema = z.object({ trueCategoryId: num, predictedCategoryId: num, count: num });
export type Confusion = z.infer<typeof ConfusionSchema>;

const GoldSchema = z.object({
  n: num,
  accuracy: num,
  macroF1: num,
  ece: num,
  reliability: z.array(ReliabilityBinSchema).catch([]),
  coverageAtTarget: nullableNum,
  precisionAtTarget: nullableNum,
  perClass: z.array(PerClassSchema).catch([]),
  confusions: z.array(ConfusionSchema).catch([]),
});
export type Gold = z.infer<typeof GoldSchema>;

const VersionMetricsSchema = z.object({
  summary: SummarySchema.nullable().catch(null),
  gold: GoldSchema.nullable().catch(null),
  curve: z.array(CurvePointSchema).catch([]),
  thresholds: z
    .object({
      global: nullableNum,
      perClass: z.array(num.nullable()).catch([]),
      reason: z.string().nullable().catch(null),
    })
    .nullable()
    .catch(null),
  calibration: z.object({ method: z.string(), temperature: num.optional() }).nullable().catch(null),
  splits: z
    .object({
      train: num,
      calibration: num,
      holdOut: num.optional(),
      gold: num,
      certifying: num.optional(),
      audits: num,
    })
    .nullable()
    .catch(null),
  gate: z
    .object({
      passed: z.boolean(),
      reason: z.string(),
      evidence: z
        .object({ kind: z.enum(["gold", "held-out", "none"]), n: num })
        .nullable()
        .catch(null),
    })
    .nullable()
    .catch(null),
  warmStartedFrom: num.nullable().catch(null),
});
export type VersionMetrics = z.infer<typeof VersionMetricsSchema>;

const EMPTY: VersionMetrics = {
  summary: null,
  gold: null,
  curve: [],
  thresholds: null,
  calibration: null,
  splits: null,
  gate: null,
  warmStartedFrom: null,
};

export function parseVersionMetrics(raw: unknown): VersionMetrics {
  const r = VersionMetricsSchema.safeParse(raw ?? {});
  return r.success ? r.data : EMPTY;
}

export function parseSummary(raw: unknown): Summary | null {
  const r = SummarySchema.safeParse(raw);
  return r.success ? r.data : null;
}

/** A recalibration stores its own curve; a training calibration's curve is the version's. */
export function curveOfCalibration(calibrationMetrics: unknown, versionMetrics: VersionMetrics): CurvePoint[] {
  const r = z.object({ curve: z.array(CurvePointSchema) }).safeParse(calibrationMetrics);
  return r.success && r.data.curve.length > 0 ? r.data.curve : versionMetrics.curve;
}

/**
 * What a precision target would auto-accept on the certification evidence: the
 * largest coverage whose lower confidence bound still meets the target (how
 * thresholds are certified), with the point precision there. Null: nothing certifies.
 */
export function coverageForTarget(curve: readonly CurvePoint[], target: number): CurvePoint | null {
  let best: CurvePoint | null = null;
  for (const p of curve) if (p.lowerBound >= target && (!best || p.coverage > best.coverage)) best = p;
  return best;
}

export function pct(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  return `${(x * 100).toFixed(digits)}%`;
}

export function fixed(x: number | null | undefined, digits = 3): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  return x.toFixed(digits);
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "–";
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

/** Signed percentage points, for deltas. */
export function pp(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return "–";
  const v = x * 100;
  return `${v > 0 ? "+" : v < 0 ? "−" : "±"}${Math.abs(v).toFixed(digits)} pp`;
}

export const SplitsSchema = z
  .object({ train: num, calibration: num, holdOut: num.optional(), gold: num, certifying: num.optional(), audits: num })
  .nullable()
  .catch(null);

/**
 * What a version learned from and was checked on: train, the pool labels held
 * out to fit its calibration, gold and audits (versions stored before the
 * hold-out was recorded by itself count it as calibration minus gold).
 */
export function splitCounts(
  raw: unknown,
): { train: number; holdOut: number; gold: number; certifying: number | null; audits: number } | null {
  const s = SplitsSchema.parse(raw ?? null);
  if (!s) return null;
  return {
    train: s.train,
    holdOut: s.holdOut ?? Math.max(0, s.calibration - s.gold),
    gold: s.gold,
    // What the threshold was certified on (versions trained before it was recorded: gold and audits).
    certifying: s.certifying ?? null,
    audits: s.audits,
  };
}
