"use client";
/** Changing one's own password: the current one first; every other session ends. */
import { useState, type FormEvent } from "react";
import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "@/app/_lib/trpc/client";
import { Alert, ErrorAlert } from "@/app/_components/ui/alert";
import { Button } from "@/app/_components/ui/button";
import { Card, CardBody, CardHeader } from "@/app/_components/ui/card";
import { Field, Input } from "@/app/_components/ui/form";

const MIN_LENGTH = 12;

export function ChangePasswordForm() {
  const trpc = useTRPC();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const change = useMutation(
    trpc.auth.changePassword.mutationOptions({
      onSuccess: () => {
        setCurrent("");
        setNext("");
        setRepeat("");
      },
    }),
  );
  const mismatch = repeat.length > 0 && repeat !== next;
  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (mismatch) return;
    change.mutate({ currentPassword: current, newPassword: next });
  }
  return (
    <Card>
      <CardHeader
        title="Change password"
        description={`At least ${MIN_LENGTH} characters. Every other browser signed in as you is logged out.`}
      />
      <CardBody>
        <form onSubmit={onSubmit} className="flex flex-col gap-3">
          <Field id="current-password" label="Current password">
            <Input
              id="current-password"
              type="password"
              autoComplete="current-password"
              required
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
            />
          </Field>
          <Field id="new-password" label="New password">
            <Input
              id="new-password"
              type="password"
              autoComplete="new-password"
              required
              minLength={MIN_LENGTH}
              value={next}
              onChange={(e) => setNext(e.target.value)}
            />
          </Field>
          <Field id="repeat-password" label="New password again">
            <Input
              id="repeat-password"
              type="password"
              autoComplete="new-password"
              required
              value={repeat}
              onChange={(e) => setRepeat(e.target.value)}
              aria-invalid={mismatch}
            />
          </Field>
          {mismatch ? <Alert tone="warn">The two new passwords differ.</Alert> : null}
          {change.error ? <ErrorAlert error={change.error} /> : null}
          {change.isSuccess ? <Alert tone="ok">Password changed. Other sessions were logged out.</Alert> : null}
          <div>
            <Button type="submit" variant="primary" busy={change.isPending} disabled={mismatch}>
              Change password
            </Button>
          </div>
        </form>
      </CardBody>
    </Card>
  );
}
