"use client";
import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { useTRPC } from "@/app/_lib/trpc/client";
import { errorCode, errorMessage } from "@/app/_lib/errors";
import { clearSessionExpired } from "@/app/_lib/session-expiry";
import { Alert } from "@/app/_components/ui/alert";
import { Button } from "@/app/_components/ui/button";
import { Field, Input } from "@/app/_components/ui/form";

export function LoginForm({ next }: { next: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: () => {
        clearSessionExpired();
        router.replace(next);
        router.refresh();
      },
      onError: () => setPassword(""),
    }),
  );

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (login.isPending) return;
    login.mutate({ email, password });
  }

  const code = login.error ? errorCode(login.error) : null;
  return (
    <form
      onSubmit={onSubmit}
      className="space-y-4"
      noValidate
      aria-describedby={login.error ? "login-error" : undefined}
    >
      {login.error ? (
        <div id="login-error">
          {code === "TOO_MANY_REQUESTS" ? (
            <Alert tone="warn" title="Too many attempts">
              {errorMessage(login.error)}
            </Alert>
          ) : (
            <Alert tone="danger">
              {code === "BAD_REQUEST"
                ? "Email or password is incorrect."
                : code === "UNAUTHORIZED"
                  ? sentence(errorMessage(login.error))
                  : errorMessage(login.error)}
            </Alert>
          )}
        </div>
      ) : null}
      <Field id="email" label="Email">
        <Input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </Field>
      <Field id="password" label="Password">
        <Input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </Field>
      <Button
        type="submit"
        variant="primary"
        className="w-full"
        busy={login.isPending || login.isSuccess}
        disabled={!email || !password}
      >
        {login.isSuccess ? "Signing in…" : "Log in"}
      </Button>
    </form>
  );
}

/** The server says why (wrong credentials, or a disabled account to whoever knows its password). */
function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
