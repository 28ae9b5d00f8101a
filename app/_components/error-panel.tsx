"use client";
import { useEffect } from "react";
import { Button } from "./ui/button";

/**
 * The body of every error.tsx: a plain message, the digest for the logs, and Retry.
 * Server errors arrive without their message in production, by design.
 */
export function ErrorPanel({
  error,
  retry,
  title = "Something went wrong",
}: {
  error: unknown;
  retry: () => void;
  title?: string;
}) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error && "digest" in error && typeof error.digest === "string" ? error.digest : null;
  return (
    <div role="alert" className="mx-auto max-w-md py-16 text-center" data-testid="error-panel">
      <p className="text-xs font-semibold tracking-wide text-danger uppercase">Error</p>
      <h1 className="mt-2 text-lg font-semibold">{title}</h1>
      <p className="mt-2 text-sm text-muted">
        The page could not be loaded. This is usually temporary; try again, and if it keeps happening tell an
        administrator.
      </p>
      {digest ? <p className="mt-2 font-mono text-xs text-faint">Reference: {digest}</p> : null}
      <div className="mt-6 flex justify-center gap-2">
        <Button variant="primary" onClick={() => retry()}>
          Try again
        </Button>
        <a href="/" className="inline-flex h-8 items-center rounded-md px-3 text-sm text-muted hover:text-ink">
          Go to projects
        </a>
      </div>
    </div>
  );
}
