"use client";
/** A new token: name, scopes, expiry, optionally some projects. The token comes back once, to the parent. */
import { useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "@/app/_lib/trpc/client";
import { TOKEN_SCOPES, type TokenScope } from "@/lib/constants";
import { ErrorAlert } from "@/app/_components/ui/alert";
import { Button } from "@/app/_components/ui/button";
import { Card, CardHeader } from "@/app/_components/ui/card";
import { Field, Input, Select } from "@/app/_components/ui/form";

const SCOPE_HINT: Record<TokenScope, string> = {
  read: "read everything your roles can see",
  write: "change data: items, labels, categories, imports",
  ml: "train, activate and roll back models; model settings",
};
const EXPIRY = [
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
  { value: "never", label: "Never" },
];

export type IssuedToken = { name: string; token: string };

export function CreateTokenForm({
  projects,
  onCreated,
}: {
  projects: { id: number; name: string }[];
  onCreated: (issued: IssuedToken) => Promise<void>;
}) {
  const trpc = useTRPC();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<TokenScope[]>(["read"]);
  const [expiry, setExpiry] = useState("90");
  const [projectId, setProjectId] = useState("all");
  const create = useMutation(
    trpc.tokens.create.mutationOptions({
      onSuccess: (r) => {
        setName("");
        return onCreated({ name: r.name, token: r.token });
      },
    }),
  );
  const toggle = (s: TokenScope, on: boolean) => setScopes((prev) => (on ? [...prev, s] : prev.filter((x) => x !== s)));
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    create.mutate({
      name,
      scopes,
      expiresInDays: expiry === "never" ? null : Number(expiry),
      ...(projectId === "all" ? {} : { projectIds: [Number(projectId)] }),
    });
  }
  return (
    <Card>
      <CardHeader title="New token" description="The token is shown once, right after you create it." />
      <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3 px-4 py-3">
        <Field id="token-name" label="Token name" className="w-56">
          <Input
            id="token-name"
            autoComplete="off"
            required
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <fieldset className="flex h-8 items-center gap-3 text-sm">
          <legend className="sr-only">Scopes</legend>
          {TOKEN_SCOPES.map((s) => (
            <label key={s} className="flex items-center gap-1.5" title={SCOPE_HINT[s]}>
              <input
                type="checkbox"
                className="size-4 accent-accent"
                checked={scopes.includes(s)}
                onChange={(e) => toggle(s, e.target.checked)}
              />
              {s}
            </label>
          ))}
        </fieldset>
        <Field id="token-expiry" label="Expires" className="w-32">
          <Select id="token-expiry" value={expiry} onChange={(e) => setExpiry(e.target.value)}>
            {EXPIRY.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </Select>
        </Field>
        <Field id="token-project" label="Projects" className="w-56">
          <Select id="token-project" value={projectId} onChange={(e) => setProjectId(e.target.value)}>
            <option value="all">All my projects</option>
            {projects.map((p) => (
              <option key={p.id} value={String(p.id)}>
                Only {p.name}
              </option>
            ))}
          </Select>
        </Field>
        <Button type="submit" variant="primary" busy={create.isPending} disabled={!name.trim() || scopes.length === 0}>
          Create token
        </Button>
        {create.isError ? <ErrorAlert error={create.error} className="w-full" /> : null}
      </form>
    </Card>
  );
}
