"use client";
import { useState } from "react";
import { buttonClasses } from "@/app/_components/ui/button";
import { Card, CardBody, CardHeader } from "@/app/_components/ui/card";
import { Field, Select } from "@/app/_components/ui/form";

type Format = "csv" | "jsonl";
type Source = "" | "human" | "auto" | "import";
type Split = "" | "pool" | "test";

/**
 * A plain form POST to the streaming export route: the browser downloads the answer (any
 * size, memory stays flat). POST, not a link, because every export is audited.
 */
export function ExportPanel({ projectId }: { projectId: number }) {
  const [format, setFormat] = useState<Format>("csv");
  const [source, setSource] = useState<Source>("");
  const [split, setSplit] = useState<Split>("");
  return (
    <Card>
      <CardHeader
        title="Export labels"
        description="Every labelled item with its provenance: category, split, source, annotator, model version and when. In CSV, cells that a spreadsheet would run as formulas are prefixed with a quote."
      />
      <CardBody>
        <form method="post" action={`/api/projects/${projectId}/export`} className="flex flex-wrap items-end gap-3">
          <Field id="export-format" label="Format" className="w-32">
            <Select
              id="export-format"
              name="format"
              value={format}
              onChange={(e) => setFormat(e.target.value as Format)}
            >
              <option value="csv">CSV</option>
              <option value="jsonl">JSONL</option>
            </Select>
          </Field>
          <Field id="export-source" label="Label source" className="w-40">
            <Select
              id="export-source"
              name="source"
              value={source}
              onChange={(e) => setSource(e.target.value as Source)}
            >
              <option value="">All sources</option>
              <option value="human">Human</option>
              <option value="auto">Auto (model)</option>
              <option value="import">Import</option>
            </Select>
          </Field>
          <Field id="export-split" label="Split" className="w-40">
            <Select id="export-split" name="split" value={split} onChange={(e) => setSplit(e.target.value as Split)}>
              <option value="">Pool and test</option>
              <option value="pool">Pool</option>
              <option value="test">Test (gold)</option>
            </Select>
          </Field>
          <button type="submit" className={buttonClasses("primary", "md")}>
            Download {format.toUpperCase()}
          </button>
        </form>
      </CardBody>
    </Card>
  );
}
