"use client";
import { ErrorPanel } from "@/app/_components/error-panel";

export default function AppError({ error, retry }: { error: unknown; retry: () => void }) {
  return <ErrorPanel error={error} retry={retry} />;
}
