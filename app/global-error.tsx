"use client";
import "./globals.css";
import { ErrorPanel } from "./_components/error-panel";

/** Replaces the root layout when it fails, so it brings its own <html>. */
export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-dvh px-4">
        <ErrorPanel error={error} retry={retry} />
      </body>
    </html>
  );
}
