"use client";
import { ErrorPanel } from "@/app/_components/error-panel";

/** Inside the project layout: the header and nav stay usable while this page failed. */
export default function ProjectPageError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorPanel error={error} retry={retry} title="This page failed to load" />;
}
