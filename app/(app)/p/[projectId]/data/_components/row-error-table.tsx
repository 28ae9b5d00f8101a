import { TBody, THead, Table, Td, Th, Tr } from "@/app/_components/ui/table";

export type RowError = { line: number; field: string | null; message: string };

/** Line 0 means the file as a whole (its size or encoding), not one of its lines. */
export function RowErrorTable({ errors, totalErrors }: { errors: readonly RowError[]; totalErrors: number }) {
  if (errors.length === 0) return null;
  return (
    <div className="rounded-md border border-line">
      <Table caption="Rows that were refused">
        <THead>
          <tr>
            <Th className="w-20">Line</Th>
            <Th className="w-40">Field</Th>
            <Th>Problem</Th>
          </tr>
        </THead>
        <TBody>
          {errors.map((e, i) => (
            <Tr key={`${e.line}-${e.field ?? ""}-${i}`}>
              <Td className="tabular-nums">{e.line === 0 ? "file" : e.line}</Td>
              <Td className="font-mono text-xs">{e.field ?? "–"}</Td>
              <Td className="break-all">{e.message}</Td>
            </Tr>
          ))}
        </TBody>
      </Table>
      {totalErrors > errors.length ? (
        <p className="border-t border-line px-3 py-2 text-xs text-muted">
          Showing the first {errors.length} of {totalErrors} problems.
        </p>
      ) : null}
    </div>
  );
}
