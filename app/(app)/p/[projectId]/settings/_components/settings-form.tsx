"use client";
/**
 * Project settings for the learning loop. Only changed fields are sent (the
 * server merges partial updates under a row lock, so a colleague's edit of
 * another field survives); bounds are the server's, its messages shown per field.
 */
import { useMemo, useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { ErrorAlert } from "@/app/_components/ui/alert";
import { Button } from "@/app/_components/ui/button";
import { Field, Input, Select } from "@/app/_components/ui/form";
import { useToast } from "@/app/_components/ui/toast";
import { fieldIssues } from "@/app/_lib/errors";
import { useTRPC } from "@/app/_lib/trpc/client";
import { pct } from "../../models/_lib/metrics";
import { TargetPanel, type ActiveCurve } from "./target-panel";
import { GoldFields } from "./gold-fields";
import { Section } from "./settings-section";
import { buildPatch, toDraft, type Draft, type NumericKey, type Settings } from "./settings-draft";

const STRATEGIES: { value: Settings["strategy"]; label: string }[] = [
  { value: "margin", label: "Margin (top two closest)" },
  { value: "least_confidence", label: "Least confidence" },
  { value: "entropy", label: "Entropy" },
  { value: "random", label: "Random (baseline)" },
];

export type { ActiveCurve } from "./target-panel";

export function SettingsForm({
  projectId,
  initial,
  active,
}: {
  projectId: number;
  initial: Settings;
  active: ActiveCurve;
}) {
  const trpc = useTRPC();
  const toast = useToast();
  const router = useRouter();
  const [saved, setSaved] = useState(initial);
  const [draft, setDraft] = useState<Draft>(() => toDraft(initial));
  const save = useMutation(
    trpc.projects.updateSettings.mutationOptions({
      onSuccess: (s) => {
        setSaved(s);
        setDraft(toDraft(s));
        toast({ tone: "ok", title: "Settings saved" });
        router.refresh();
      },
    }),
  );
  const serverErrors = useMemo(() => {
    const out: Partial<Record<string, string>> = {};
    for (const i of fieldIssues(save.error))
      if (i.path[0] === "settings" && typeof i.path[1] === "string") out[i.path[1]] ??= i.message;
    return out;
  }, [save.error]);
  const target = Number(draft.precisionTarget);
  // Checked as typed, with the server's rules: a bad value is refused at its field, before anything is sent.
  const patch = buildPatch(draft, saved);
  const invalid = Object.keys(patch.errors).length > 0;
  const errorOf = (k: keyof Settings) => patch.errors[k] ?? serverErrors[k];
  const unplaced = save.error && Object.keys(serverErrors).length === 0 ? save.error : null;
  const dirty = Object.keys(patch.values).length > 0 || invalid;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (invalid || Object.keys(patch.values).length === 0) return;
    save.mutate({ projectId, settings: patch.values });
  };
  const set = (k: keyof Settings) => (v: string | boolean) => setDraft((d) => ({ ...d, [k]: v }));
  const num = (k: NumericKey, props: { step: string; suffix?: string }) => (
    <div className="flex items-center gap-2">
      <Input
        id={`s-${k}`}
        name={k}
        inputMode="decimal"
        type="number"
        step={props.step}
        value={String(draft[k])}
        onChange={(e) => set(k)(e.target.value)}
        aria-invalid={errorOf(k) ? true : undefined}
        aria-describedby={errorOf(k) ? `s-${k}-error` : `s-${k}-hint`}
        className="w-32"
      />
      {props.suffix ? <span className="text-xs text-muted">{props.suffix}</span> : null}
    </div>
  );

  return (
    <form onSubmit={submit} noValidate className="grid items-start gap-5 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.1fr)]">
      <div className="space-y-5">
        <Section
          title="Auto-accept"
          description="What the model may label on its own, and how much of that people check."
        >
          <Field
            id="s-precisionTarget"
            label="Precision target"
            error={errorOf("precisionTarget")}
            hint={`${pct(target)} of auto-accepted labels must be right (certified at 95% confidence).`}
          >
            <div className="flex items-center gap-3">
              {num("precisionTarget", { step: "0.001" })}
              <input
                type="range"
                min={0.5}
                max={0.999}
                step={0.001}
                value={Number.isFinite(target) ? Math.min(0.999, Math.max(0.5, target)) : 0.98}
                onChange={(e) => set("precisionTarget")(e.target.value)}
                aria-label="Precision target slider"
                className="w-full accent-[var(--color-accent)]"
              />
            </div>
          </Field>
          <Field
            id="s-auditRate"
            label="Audit rate"
            error={errorOf("auditRate")}
            hint={`Share of auto-accepts sent back to people for checking: ${pct(Number(draft.auditRate))}.`}
          >
            {num("auditRate", { step: "0.01" })}
          </Field>
        </Section>
        <Section title="Review queue" description="Which items people see next.">
          <Field
            id="s-strategy"
            label="Sampling strategy"
            hint="Uncertain items first teaches the model fastest; random is a baseline."
          >
            <Select
              id="s-strategy"
              value={String(draft.strategy)}
              onChange={(e) => set("strategy")(e.target.value)}
              className="w-64"
            >
              {STRATEGIES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </Select>
          </Field>
          <label className="flex items-start gap-2 text-sm">
            <input
              type="checkbox"
              checked={Boolean(draft.diversity)}
              onChange={(e) => set("diversity")(e.target.checked)}
              className="mt-0.5 accent-[var(--color-accent)]"
            />
            <span>
              <span className="font-medium">Diversity</span>
              <span className="block text-xs text-muted">
                Spread each batch over different kinds of items instead of ten near-duplicates.
              </span>
            </span>
          </label>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id="s-batchSize" label="Batch size" error={errorOf("batchSize")} hint="Items per batch review page.">
              {num("batchSize", { step: "1", suffix: "items" })}
            </Field>
            <Field
              id="s-leaseMinutes"
              label="Lease"
              error={errorOf("leaseMinutes")}
              hint="How long an item stays reserved for one person."
            >
              {num("leaseMinutes", { step: "1", suffix: "minutes" })}
            </Field>
          </div>
          <Field
            id="s-overlapRate"
            label="Second-opinion rate"
            error={errorOf("overlapRate")}
            hint={`Share of queue items that are blind second opinions on items a colleague already decided: ${pct(Number(draft.overlapRate))}. They never change the label; the dashboard shows how often people agree.`}
          >
            {num("overlapRate", { step: "0.01" })}
          </Field>
        </Section>
        <Section
          title="Retraining"
          description="When new versions are trained and when they may replace the active one."
        >
          <div className="grid gap-4 sm:grid-cols-2">
            <Field
              id="s-retrainEveryLabels"
              label="Retrain every"
              error={errorOf("retrainEveryLabels")}
              hint="New human labels; 0 turns it off."
            >
              {num("retrainEveryLabels", { step: "1", suffix: "labels" })}
            </Field>
            <Field
              id="s-retrainScheduleMinutes"
              label="Retrain on a schedule"
              error={errorOf("retrainScheduleMinutes")}
              hint="If labels arrived; 0 turns it off."
            >
              {num("retrainScheduleMinutes", { step: "1", suffix: "minutes" })}
            </Field>
          </div>
          <Field
            id="s-activationMargin"
            label="Activation margin"
            error={errorOf("activationMargin")}
            hint={`A new version is activated automatically unless it loses more than ${pct(Number(draft.activationMargin))} accuracy against the active one, on gold (or, with no gold yet, on held-out items neither was trained on).`}
          >
            {num("activationMargin", { step: "0.005" })}
          </Field>
        </Section>
        <GoldFields draft={draft} set={set} errorOf={errorOf} num={num} />
        <Section title="Cost" description="For the dashboard's cost per item.">
          <Field id="s-hourlyCost" label="Hourly cost of a reviewer" error={errorOf("hourlyCost")}>
            {num("hourlyCost", { step: "0.5", suffix: "per hour" })}
          </Field>
        </Section>
        {unplaced ? <ErrorAlert error={unplaced} title="Could not save the settings" /> : null}
        <div className="flex items-center gap-3">
          <Button type="submit" variant="primary" busy={save.isPending} disabled={!dirty || invalid}>
            Save settings
          </Button>
          {invalid ? (
            <span className="text-xs text-danger" data-testid="settings-invalid">
              Correct the fields marked above to save.
            </span>
          ) : null}
          {dirty ? (
            <Button
              variant="ghost"
              onClick={() => {
                setDraft(toDraft(saved));
                save.reset();
              }}
            >
              Discard changes
            </Button>
          ) : (
            <span className="text-xs text-muted">No unsaved changes.</span>
          )}
        </div>
      </div>
      {/* Below the app header, which is sticky too. */}
      <div className="lg:sticky lg:top-20">
        <TargetPanel projectId={projectId} active={active} target={target} savedTarget={saved.precisionTarget} />
      </div>
    </form>
  );
}
