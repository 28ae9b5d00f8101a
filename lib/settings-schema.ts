/**
 * Each project setting with its bounds, shared by the server (the input of
 * projects.updateSettings, and what the settings reader accepts) and the
 * settings page, which checks a field as it is typed with the same rule and message.
 */
import { z } from "zod";

const share = (max: number) =>
  z
    .number("Enter a number")
    .min(0, "At least 0")
    .max(max, `At most ${max} (${Math.round(max * 1000) / 10}%)`);
const count = (min: number, max: number, unit: string) =>
  z
    .number("Enter a number")
    .int("Enter a whole number")
    .min(min, `At least ${min} ${unit}`)
    .max(max, `At most ${max.toLocaleString("en-US")} ${unit}`);

export const SettingsFields = z.object({
  strategy: z.enum(["least_confidence", "margin", "entropy", "random"]),
  diversity: z.boolean(),
  batchSize: count(1, 200, "items"),
  precisionTarget: z
    .number("Enter a number")
    .min(0.5, "At least 0.5 (50%)")
    .max(0.999, "At most 0.999 (99.9%): a target of 100% can never be certified"),
  auditRate: share(0.5),
  overlapRate: share(0.5),
  /** null = automatic: EVALUATION_RATES in lib/constants.ts. */
  evaluationRate: share(0.5).nullable(),
  hideSuggestionOnEvaluation: z.boolean(),
  revealAuditSource: z.boolean(),
  suspectRate: share(0.5),
  excludeSuspectsFromTraining: z.boolean(),
  leaseMinutes: count(1, 240, "minutes"),
  retrainEveryLabels: count(0, 100_000, "labels"),
  retrainScheduleMinutes: count(0, 10_080, "minutes"),
  activationMargin: share(0.5),
  hourlyCost: z.number("Enter a number").min(0, "At least 0").max(10_000, "At most 10,000"),
});

export type SettingsValues = z.infer<typeof SettingsFields>;
