"use client";
import { useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "@/app/_lib/trpc/client";
import { ErrorAlert } from "@/app/_components/ui/alert";
import { Button } from "@/app/_components/ui/button";
import { Card, CardHeader } from "@/app/_components/ui/card";
import { Field, Input } from "@/app/_components/ui/form";
import { OneTimePassword, type IssuedPassword } from "./one-time-password";

export function CreateUserForm({ onCreated }: { onCreated: () => Promise<void> }) {
  const trpc = useTRPC();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [isAdmin, setIsAdmin] = useState(false);
  const [issued, setIssued] = useState<IssuedPassword | null>(null);
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: (r) => {
        setIssued(
          r.generatedPassword ? { title: `Account created for ${r.user.email}`, password: r.generatedPassword } : null,
        );
        setEmail("");
        setName("");
        setPassword("");
        setIsAdmin(false);
        return onCreated();
      },
    }),
  );
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    create.mutate({ email, name, isAdmin, ...(password ? { password } : {}) });
  }
  return (
    <Card>
      <CardHeader title="New account" description="Leave the password empty to generate one; it is shown once." />
      <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3 px-4 py-3">
        <Field id="new-user-name" label="Name" className="w-52">
          <Input
            id="new-user-name"
            autoComplete="off"
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <Field id="new-user-email" label="Email" className="w-64">
          <Input
            id="new-user-email"
            type="email"
            autoComplete="off"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </Field>
        <Field id="new-user-password" label="Password (optional)" className="w-52">
          <Input
            id="new-user-password"
            type="password"
            autoComplete="new-password"
            minLength={12}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <label className="flex h-8 items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={isAdmin}
            onChange={(e) => setIsAdmin(e.target.checked)}
            className="size-4 accent-accent"
          />
          Instance administrator
        </label>
        <Button type="submit" variant="primary" busy={create.isPending} disabled={!email || !name}>
          Create account
        </Button>
        {create.isError ? <ErrorAlert error={create.error} className="w-full" /> : null}
        {issued ? <OneTimePassword issued={issued} onDone={() => setIssued(null)} /> : null}
      </form>
    </Card>
  );
}
