"use client";
/**
 * Loading a whole taxonomy from a file: the server reads it twice, first as a
 * preview (what would be created, restored, kept, and every refused line), then
 * for real, all in one transaction. Choosing another file starts over.
 */
import { useRef, useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { Alert, ErrorAlert } from "@/app/_components/ui/alert";
import { Button } from "@/app/_components/ui/button";
import { Card, CardBody, CardHeader } from "@/app/_components/ui/card";
import { Field } from "@/app/_components/ui/form";
import { formatCount } from "@/app/_components/ui/stat";
import { Table, TBody, Td, Th, THead, Tr } from "@/app/_components/ui/table";
import { useToast } from "@/app/_components/ui/toast";
import { useTRPC } from "@/app/_lib/trpc/client";

const MAX_BYTES = 1024 * 1024;
const SHOWN_NEW = 12;

type Loaded = { name: string; text: string; format: "csv" | "text" };

export function TaxonomyImport({ projectId }: { projectId: number }) {
  const trpc = useTRPC();
  const toast = useToast();
  const router = useRouter();
  const inputRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<Loaded | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const [parents, setParents] = useState(false);
  const preview = useMutation(trpc.categories.import.mutationOptions());
  const apply = useMutation(
    trpc.categories.import.mutationOptions({
      onSuccess: (r) => {
        const n = r.create.length + r.restore.length;
        toast({ tone: "ok", title: n === 0 ? "Nothing new to import" : `Imported ${formatCount(n)} categories` });
        setFile(null);
        preview.reset();
        if (inputRef.current) inputRef.current.value = "";
        router.refresh();
      },
    }),
  );

  function previewWith(loaded: Loaded, withParents: boolean) {
    apply.reset();
    preview.mutate({ projectId, text: loaded.text, format: loaded.format, parents: withParents, dryRun: true });
  }

  async function choose(f: File | undefined) {
    preview.reset();
    apply.reset();
    setReadError(null);
    setFile(null);
    if (!f) return;
    if (f.size > MAX_BYTES) return setReadError("This file is over 1 MB: a taxonomy is at most a few thousand paths.");
    const loaded: Loaded = { name: f.name, text: await f.text(), format: /\.csv$/i.test(f.name) ? "csv" : "text" };
    setFile(loaded);
    previewWith(loaded, parents);
  }

  const plan = preview.data;
  const toWrite = plan ? plan.create.length + plan.restore.length : 0;
  return (
    <Card>
      <CardHeader
        title="Import a taxonomy"
        description='A text file with one path per line ("Produce > Fresh fruits"), or a CSV with a "path" column or one column per level. Categories already here are kept; nothing is written unless every line is valid.'
      />
      <CardBody className="space-y-3">
        <Field id="taxonomy-file" label="Taxonomy file" hint="Text or CSV, up to 1 MB" className="w-80">
          <input
            ref={inputRef}
            id="taxonomy-file"
            type="file"
            accept=".txt,.csv,text/plain,text/csv"
            disabled={apply.isPending}
            onChange={(e) => void choose(e.target.files?.[0])}
            className="block w-full text-sm file:mr-3 file:rounded-md file:border file:border-line-strong file:bg-surface file:px-3 file:py-1 file:text-sm"
          />
        </Field>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            checked={parents}
            disabled={apply.isPending}
            onChange={(e) => {
              setParents(e.target.checked);
              if (file) previewWith(file, e.target.checked);
            }}
            className="size-4 accent-accent"
          />
          Also create each parent path as a category (&quot;Produce&quot; for &quot;Produce &gt; Fresh fruits&quot;)
        </label>
        {readError ? <Alert tone="danger">{readError}</Alert> : null}
        {preview.error ? <ErrorAlert error={preview.error} title="Could not read the file" /> : null}
        {preview.isPending ? <p className="text-sm text-muted">Reading {file?.name}…</p> : null}
        {plan && file ? (
          <div className="space-y-3" data-testid="taxonomy-preview">
            <p className="text-sm">
              <span className="font-medium">{file.name}:</span> {formatCount(plan.create.length)} new,{" "}
              {formatCount(plan.restore.length)} restored, {formatCount(plan.kept)} already here
              {plan.errors.length > 0 ? (
                <>
                  , <span className="text-danger">{formatCount(plan.errors.length)} refused</span>
                </>
              ) : null}
              .
            </p>
            {plan.errors.length > 0 ? (
              <>
                <Alert tone="danger" title="Nothing can be imported until every line is valid">
                  Fix these lines and choose the file again.
                </Alert>
                <Table caption="Refused lines">
                  <THead>
                    <tr>
                      <Th className="w-20">Line</Th>
                      <Th>Problem</Th>
                    </tr>
                  </THead>
                  <TBody>
                    {plan.errors.map((e) => (
                      <Tr key={`${e.line}-${e.message}`}>
                        <Td className="tabular-nums">{e.line > 0 ? e.line : "file"}</Td>
                        <Td>{e.message}</Td>
                      </Tr>
                    ))}
                  </TBody>
                </Table>
              </>
            ) : (
              <>
                {plan.create.length > 0 ? (
                  <ul className="list-inside list-disc text-sm text-muted">
                    {plan.create.slice(0, SHOWN_NEW).map((p) => (
                      <li key={p}>{p}</li>
                    ))}
                    {plan.create.length > SHOWN_NEW ? (
                      <li>and {formatCount(plan.create.length - SHOWN_NEW)} more</li>
                    ) : null}
                  </ul>
                ) : null}
                <Button
                  variant="primary"
                  busy={apply.isPending}
                  disabled={toWrite === 0}
                  onClick={() =>
                    apply.mutate({ projectId, text: file.text, format: file.format, parents, dryRun: false })
                  }
                >
                  {toWrite === 0 ? "Nothing new to import" : `Import ${formatCount(toWrite)} categories`}
                </Button>
                {apply.error ? <ErrorAlert error={apply.error} title="Not imported" /> : null}
              </>
            )}
          </div>
        ) : null}
      </CardBody>
    </Card>
  );
}
