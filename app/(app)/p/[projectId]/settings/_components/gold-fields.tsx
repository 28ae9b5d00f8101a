/** The settings for building the gold set in the queue and for checking suspected wrong labels. */
import type { ReactNode } from "react";
import { EVALUATION_RATES } from "@/lib/constants";
import { Field, Input } from "@/app/_components/ui/form";
import { pct } from "../../models/_lib/metrics";
import type { Draft, NumericKey, Settings } from "./settings-draft";
import { Section } from "./settings-section";

type Props = {
  draft: Draft;
  set: (k: keyof Settings) => (v: string | boolean) => void;
  errorOf: (k: keyof Settings) => string | undefined;
  num: (k: NumericKey, props: { step: string; suffix?: string }) => ReactNode;
};

function Check({
  checked,
  onChange,
  label,
  hint,
}: {
  checked: boolean;
  onChange: (v: boolean) => void;
  label: string;
  hint: string;
}) {
  return (
    <label className="flex items-start gap-2 text-sm">
      <input
        type="checkbox"
        checked={checked}
        onChange={(e) => onChange(e.target.checked)}
        className="mt-0.5 accent-[var(--color-accent)]"
      />
      <span>
        <span className="font-medium">{label}</span>
        <span className="block text-xs text-muted">{hint}</span>
      </span>
    </label>
  );
}

export function GoldFields({ draft, set, errorOf, num }: Props) {
  const automatic = String(draft.evaluationRate).trim() === "";
  const err = errorOf("evaluationRate");
  return (
    <Section
      title="Gold set and label checks"
      description="People build the gold set in the queue, and review the labels the model suspects are wrong."
    >
      <Field
        id="s-evaluationRate"
        label="Evaluation picks"
        error={err}
        hint={
          automatic
            ? `Automatic: ${pct(EVALUATION_RATES.building)} of queue slots while the gold set is under 4× the least the precision target can certify on (532 at 0.98), and beyond that while nothing is certified; then ${pct(EVALUATION_RATES.maintenance)}.`
            : `${pct(Number(draft.evaluationRate))} of queue slots are uniform random picks whose decisions become gold (never trained on).`
        }
      >
        <div className="flex items-center gap-3">
          <Check
            checked={automatic}
            onChange={(on) => set("evaluationRate")(on ? "" : String(EVALUATION_RATES.building))}
            label="Automatic"
            hint=""
          />
          <Input
            id="s-evaluationRate"
            name="evaluationRate"
            inputMode="decimal"
            type="number"
            step="0.01"
            disabled={automatic}
            value={automatic ? "" : String(draft.evaluationRate)}
            placeholder="auto"
            onChange={(e) => set("evaluationRate")(e.target.value === "" ? "0" : e.target.value)}
            aria-invalid={err ? true : undefined}
            aria-describedby={err ? "s-evaluationRate-error" : "s-evaluationRate-hint"}
            className="w-32"
          />
        </div>
      </Field>
      <Check
        checked={Boolean(draft.hideSuggestionOnEvaluation)}
        onChange={set("hideSuggestionOnEvaluation")}
        label="Hide the model's suggestion on evaluation picks"
        hint="A shown suggestion anchors people, and the gold set would grade the model with its own answers."
      />
      <Check
        checked={Boolean(draft.revealAuditSource)}
        onChange={set("revealAuditSource")}
        label="Tell auditors that the model labelled the item"
        hint="Off: an audit looks like any other item, so people check the auto label instead of deferring to it."
      />
      <Field
        id="s-suspectRate"
        label="Suspected wrong labels"
        error={errorOf("suspectRate")}
        hint={`Share of queue slots for labels the model suspects are wrong (found after each training run): ${pct(Number(draft.suspectRate))}.`}
      >
        {num("suspectRate", { step: "0.01" })}
      </Field>
      <Check
        checked={Boolean(draft.excludeSuspectsFromTraining)}
        onChange={set("excludeSuspectsFromTraining")}
        label="Leave unreviewed suspects out of training"
        hint="Labels suspected wrong are not trained on until someone has looked at them."
      />
    </Section>
  );
}
