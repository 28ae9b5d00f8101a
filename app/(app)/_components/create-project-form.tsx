"use client";
/**
 * A new project, for instance administrators: name, slug (derived from the
 * name until edited), description and the two settings a first hour depends
 * on. The server checks everything again (projects.create); the rest of the
 * settings start at their defaults and live on the Settings page.
 */
import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "@/app/_lib/trpc/client";
import { ErrorAlert } from "@/app/_components/ui/alert";
import { Button } from "@/app/_components/ui/button";
import { Card, CardHeader } from "@/app/_components/ui/card";
import { Field, Input } from "@/app/_components/ui/form";
import { projectHref } from "@/app/_lib/project-sections";
import { slugFrom } from "../_lib/slug";

const DEFAULT_TARGET_PCT = "98";
const DEFAULT_RETRAIN = "200";

export function CreateProjectForm({ startOpen = false }: { startOpen?: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(startOpen);
  const [name, setName] = useState("");
  const [slug, setSlug] = useState<string | null>(null);
  const [description, setDescription] = useState("");
  const [targetPct, setTargetPct] = useState(DEFAULT_TARGET_PCT);
  const [retrain, setRetrain] = useState(DEFAULT_RETRAIN);
  const create = useMutation(
    trpc.projects.create.mutationOptions({ onSuccess: (p) => router.push(projectHref(p.id)) }),
  );
  const effectiveSlug = slug ?? slugFrom(name);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    create.mutate({
      name,
      slug: effectiveSlug,
      description,
      settings: { precisionTarget: Number(targetPct) / 100, retrainEveryLabels: Number(retrain) },
    });
  }
  if (!open)
    return (
      <Button variant="primary" onClick={() => setOpen(true)}>
        New project
      </Button>
    );
  return (
    <Card>
      <CardHeader
        title="New project"
        description="A catalogue to label. You act as its admin; add members on its Members page."
      />
      <form onSubmit={onSubmit} className="grid gap-3 px-4 py-3 sm:grid-cols-2">
        <Field id="new-project-name" label="Name">
          <Input
            id="new-project-name"
            required
            maxLength={200}
            value={name}
            onChange={(e) => (create.reset(), setName(e.target.value))}
          />
        </Field>
        <Field id="new-project-slug" label="Slug" hint="Lowercase letters, digits and dashes; used by the CLI.">
          <Input
            id="new-project-slug"
            required
            maxLength={64}
            value={effectiveSlug}
            onChange={(e) => (create.reset(), setSlug(e.target.value))}
            className="font-mono"
          />
        </Field>
        <Field id="new-project-description" label="Description (optional)" className="sm:col-span-2">
          <Input
            id="new-project-description"
            maxLength={2000}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </Field>
        <Field
          id="new-project-target"
          label="Precision target (%)"
          hint="Auto-accepts must be at least this precise; 50 to 99.9."
        >
          <Input
            id="new-project-target"
            type="number"
            step="0.1"
            min={50}
            max={99.9}
            required
            value={targetPct}
            onChange={(e) => setTargetPct(e.target.value)}
          />
        </Field>
        <Field id="new-project-retrain" label="Retrain every … labels" hint="0: train only when asked.">
          <Input
            id="new-project-retrain"
            type="number"
            step="1"
            min={0}
            required
            value={retrain}
            onChange={(e) => setRetrain(e.target.value)}
          />
        </Field>
        {create.isError ? <ErrorAlert error={create.error} title="Not created" className="sm:col-span-2" /> : null}
        <div className="flex gap-2 sm:col-span-2">
          <Button type="submit" variant="primary" busy={create.isPending} disabled={!name.trim() || !effectiveSlug}>
            Create project
          </Button>
          <Button onClick={() => (create.reset(), setOpen(false))}>Cancel</Button>
        </div>
      </form>
    </Card>
  );
}
