"use client";
/**
 * A generated password, shown once: it is never stored in clear, so this is the
 * only chance to pass it on. The copy button saves retyping 24 random characters.
 */
import { useState } from "react";
import { Alert } from "@/app/_components/ui/alert";
import { Button } from "@/app/_components/ui/button";

export type IssuedPassword = { title: string; password: string };

export function OneTimePassword({ issued, onDone }: { issued: IssuedPassword; onDone: () => void }) {
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");
  const copyPassword = async () => {
    try {
      await navigator.clipboard.writeText(issued.password);
      setCopy("copied");
    } catch {
      // No clipboard (an insecure origin, a denied permission): the text stays selectable.
      setCopy("failed");
    }
  };
  return (
    <Alert
      tone="ok"
      className="w-full"
      title={issued.title}
      action={
        <span className="flex gap-2">
          <Button size="sm" onClick={() => void copyPassword()}>
            {copy === "copied" ? "Copied" : "Copy password"}
          </Button>
          <Button size="sm" onClick={onDone}>
            Done
          </Button>
        </span>
      }
    >
      One-time password (shown only now):{" "}
      <code className="rounded bg-surface px-1.5 py-0.5 font-mono text-ink select-all" data-testid="generated-password">
        {issued.password}
      </code>
      {copy === "failed" ? (
        <span className="ml-2 text-xs">Could not reach the clipboard: select the password and copy it.</span>
      ) : null}
    </Alert>
  );
}
