"use client";

/**
 * A secret Loupe shows once (an API token, a webhook's signing secret): selectable text,
 * a copy button, and a Done that forgets it.
 */
import { useState, type ReactNode } from "react";
import { Alert } from "./alert";
import { Button } from "./button";

export function OneTimeSecret({
  title,
  secret,
  copyLabel,
  testId,
  onDone,
  className,
  children,
}: {
  title: string;
  secret: string;
  copyLabel: string;
  testId: string;
  onDone: () => void;
  className?: string;
  /** What the secret is, before it is shown. */
  children: ReactNode;
}) {
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      // No clipboard (insecure origin, denied permission): the text stays selectable.
      setCopied(false);
    }
  };
  return (
    <Alert
      tone="ok"
      className={className}
      title={title}
      action={
        <span className="flex gap-2">
          <Button size="sm" onClick={() => void copy()}>
            {copied ? "Copied" : copyLabel}
          </Button>
          <Button size="sm" onClick={onDone}>
            Done
          </Button>
        </span>
      }
    >
      {children}{" "}
      <code className="rounded bg-surface px-1.5 py-0.5 font-mono break-all text-ink select-all" data-testid={testId}>
        {secret}
      </code>
      {copied === false ? (
        <span className="ml-2 text-xs">Could not reach the clipboard: select and copy it.</span>
      ) : null}
    </Alert>
  );
}
