"use client";
import { useRef, useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { useQueryClient } from "@tanstack/react-query";
import { IMPORT_LIMITS } from "@/lib/constants";
import { useTRPC } from "@/app/_lib/trpc/client";
import { Alert } from "@/app/_components/ui/alert";
import { Button } from "@/app/_components/ui/button";
import { Card, CardBody, CardHeader } from "@/app/_components/ui/card";
import { Field, Select } from "@/app/_components/ui/form";
import { formatCount } from "@/app/_components/ui/stat";
import { formatFromName, uploadImport, type UploadOptions, type UploadOutcome } from "../_lib/upload";
import { RowErrorTable } from "./row-error-table";

type Progress = { loaded: number; total: number; phase: "uploading" | "processing" } | null;

const MB = 1024 * 1024;

export function ImportPanel({ projectId }: { projectId: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const inputRef = useRef<HTMLInputElement>(null);
  const abortRef = useRef<(() => void) | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<"auto" | UploadOptions["format"]>("auto");
  const [unknownCategories, setUnknownCategories] = useState<UploadOptions["unknownCategories"]>("create");
  const [progress, setProgress] = useState<Progress>(null);
  const [outcome, setOutcome] = useState<UploadOutcome | null>(null);

  const resolvedFormat = format === "auto" ? (file ? formatFromName(file.name) : null) : format;
  const tooLarge = file !== null && file.size > IMPORT_LIMITS.maxBytes;
  const busy = progress !== null;

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!file || !resolvedFormat || tooLarge) return;
    setOutcome(null);
    setProgress({ loaded: 0, total: file.size, phase: "uploading" });
    const handle = uploadImport(projectId, file, { format: resolvedFormat, unknownCategories }, setProgress);
    abortRef.current = handle.abort;
    const result = await handle.done;
    abortRef.current = null;
    setProgress(null);
    setOutcome(result);
    // A refused upload is logged in the history too, so refresh it either way.
    await queryClient.invalidateQueries({ queryKey: trpc.data.imports.pathKey() });
    if (result.kind === "imported") {
      setFile(null);
      if (inputRef.current) inputRef.current.value = "";
      router.refresh(); // the counts above come from the server
    }
  }

  return (
    <Card>
      <CardHeader
        title="Import items and labels"
        description="CSV with a header row or JSONL: id, title, description, category (a path A > B > C), split (pool or test); other fields are kept as attributes. One transaction: a single bad row and nothing is written."
      />
      <CardBody>
        <form onSubmit={onSubmit} className="space-y-3" aria-label="Import a file">
          <div className="flex flex-wrap items-end gap-3">
            <Field
              id="import-file"
              label="File"
              className="w-80"
              hint={`CSV or JSONL, up to ${IMPORT_LIMITS.maxBytes / MB} MB`}
              error={tooLarge ? `This file is larger than ${IMPORT_LIMITS.maxBytes / MB} MB` : undefined}
            >
              <input
                ref={inputRef}
                id="import-file"
                type="file"
                accept=".csv,.jsonl,.ndjson,text/csv,application/x-ndjson"
                disabled={busy}
                onChange={(e) => {
                  setFile(e.target.files?.[0] ?? null);
                  setOutcome(null);
                }}
                className="block w-full text-sm text-muted file:mr-3 file:h-8 file:rounded-md file:border file:border-line-strong file:bg-surface file:px-3 file:text-sm file:font-medium file:text-ink hover:file:bg-canvas"
              />
            </Field>
            <Field id="import-format" label="Format" className="w-44">
              <Select
                id="import-format"
                value={format}
                disabled={busy}
                onChange={(e) => setFormat(e.target.value as typeof format)}
              >
                <option value="auto">From file name</option>
                <option value="csv">CSV</option>
                <option value="jsonl">JSONL</option>
              </Select>
            </Field>
            <Field id="import-unknown" label="Unknown categories" className="w-56">
              <Select
                id="import-unknown"
                value={unknownCategories}
                disabled={busy}
                onChange={(e) => setUnknownCategories(e.target.value as UploadOptions["unknownCategories"])}
              >
                <option value="create">Create them</option>
                <option value="reject">Refuse the file</option>
              </Select>
            </Field>
            <Button type="submit" variant="primary" busy={busy} disabled={!file || !resolvedFormat || tooLarge}>
              Import
            </Button>
            {busy && progress?.phase === "uploading" ? (
              <Button variant="ghost" onClick={() => abortRef.current?.()}>
                Cancel
              </Button>
            ) : null}
          </div>
          {file && !resolvedFormat ? (
            <p className="text-xs text-danger">Choose a format: the file name does not end in .csv or .jsonl.</p>
          ) : null}
          {progress ? <UploadProgress progress={progress} /> : null}
        </form>
        {outcome ? <OutcomeReport outcome={outcome} /> : null}
      </CardBody>
    </Card>
  );
}

function UploadProgress({ progress }: { progress: NonNullable<Progress> }) {
  const fraction = progress.total > 0 ? Math.min(1, progress.loaded / progress.total) : 0;
  const processing = progress.phase === "processing";
  return (
    <div className="space-y-1" data-testid="import-progress">
      <div className="flex justify-between text-xs text-muted">
        <span>{processing ? "Validating every row and writing…" : "Uploading…"}</span>
        <span className="tabular-nums">
          {(progress.loaded / MB).toFixed(1)} of {(progress.total / MB).toFixed(1)} MB
        </span>
      </div>
      <div
        role="progressbar"
        aria-label={processing ? "Import processing" : "Upload progress"}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={processing ? undefined : Math.round(fraction * 100)}
        className="h-2 overflow-hidden rounded-full bg-line"
      >
        <div
          className={processing ? "h-full w-full animate-pulse bg-accent/60" : "h-full bg-accent transition-[width]"}
          style={processing ? undefined : { width: `${fraction * 100}%` }}
        />
      </div>
    </div>
  );
}

function OutcomeReport({ outcome }: { outcome: UploadOutcome }) {
  if (outcome.kind === "imported") {
    const r = outcome.report;
    return (
      <Alert tone="ok" title={`Imported ${formatCount(r.rows)} row${r.rows === 1 ? "" : "s"}`} className="mt-3">
        {formatCount(r.created)} items created, {formatCount(r.updated)} updated, {formatCount(r.labels)} labels written
        {r.categoriesCreated ? `, ${formatCount(r.categoriesCreated)} categories created` : ""}
        {r.humanLabelsKept ? `; ${formatCount(r.humanLabelsKept)} human labels kept over the file's category` : ""}.
        Took {(r.ms / 1000).toFixed(1)} s.
      </Alert>
    );
  }
  if (outcome.kind === "failed") {
    return (
      <Alert tone="danger" title="The upload did not complete" className="mt-3">
        {outcome.message} Nothing was written.
      </Alert>
    );
  }
  return (
    <div className="mt-3 space-y-2" data-testid="import-rejected">
      <Alert tone="danger" title="File refused: nothing was written">
        {outcome.message}. The project is unchanged; fix the rows below and upload the whole file again.
      </Alert>
      <RowErrorTable errors={outcome.errors} totalErrors={outcome.totalErrors} />
    </div>
  );
}
