/**
 * The settings form's draft: text as typed, checked field by field with the
 * server's own rules (lib/settings-schema.ts), so an out-of-range value is
 * refused at the field before anything is sent. Only changed fields are sent.
 */
import { SettingsFields } from "@/lib/settings-schema";
import type { RouterOutputs } from "@/app/_lib/trpc/types";

export type Settings = RouterOutputs["projects"]["get"]["settings"];
export type Draft = Record<keyof Settings, string | boolean>;

export const NUMERIC = [
  "batchSize",
  "precisionTarget",
  "auditRate",
  "overlapRate",
  "suspectRate",
  "leaseMinutes",
  "retrainEveryLabels",
  "retrainScheduleMinutes",
  "activationMargin",
  "hourlyCost",
] as const satisfies readonly (keyof Settings)[];
export type NumericKey = (typeof NUMERIC)[number];

const BOOLEAN = [
  "diversity",
  "hideSuggestionOnEvaluation",
  "revealAuditSource",
  "excludeSuspectsFromTraining",
] as const;

export function toDraft(s: Settings): Draft {
  return {
    ...Object.fromEntries(NUMERIC.map((k) => [k, String(s[k])])),
    ...Object.fromEntries(BOOLEAN.map((k) => [k, s[k]])),
    strategy: s.strategy,
    // Empty = automatic.
    evaluationRate: s.evaluationRate === null ? "" : String(s.evaluationRate),
  } as Draft;
}

function checkNumber(k: keyof typeof SettingsFields.shape, raw: string): { value: number } | { error: string } {
  const text = raw.trim();
  const n = Number(text);
  if (text === "" || !Number.isFinite(n)) return { error: "Enter a number" };
  const ok = SettingsFields.shape[k].safeParse(n);
  return ok.success ? { value: n } : { error: ok.error.issues[0]?.message ?? "Not allowed" };
}

/** Changed fields, and a message per field that breaks its rule. */
export function buildPatch(draft: Draft, saved: Settings) {
  const values: Partial<Settings> = {};
  const errors: Partial<Record<keyof Settings, string>> = {};
  for (const k of NUMERIC) {
    const r = checkNumber(k, String(draft[k]));
    if ("error" in r) errors[k] = r.error;
    else if (r.value !== saved[k]) values[k] = r.value;
  }
  const rate = String(draft.evaluationRate).trim();
  if (rate === "") {
    if (saved.evaluationRate !== null) values.evaluationRate = null;
  } else {
    const r = checkNumber("evaluationRate", rate);
    if ("error" in r) errors.evaluationRate = r.error;
    else if (r.value !== saved.evaluationRate) values.evaluationRate = r.value;
  }
  for (const k of BOOLEAN) if (draft[k] !== saved[k]) values[k] = Boolean(draft[k]);
  if (draft.strategy !== saved.strategy) values.strategy = draft.strategy as Settings["strategy"];
  return { values, errors };
}
