/** `import FILE` (items, atomic) and `export` (labels with provenance), with progress on stderr. */
import { createWriteStream, existsSync } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { formatRowError, ImportRejectedError, WHOLE_FILE_LINE } from "@/server/services/imports";
import { type Command, oneOf, projectOf, PROJECT_OPTION, str } from "./command";
import { CliError, UsageError } from "./transport";

const SHOWN_ERRORS = 20;

function rejection(err: ImportRejectedError): CliError {
  const lines = err.errors
    .slice(0, SHOWN_ERRORS)
    .map((e) => (e.line === WHOLE_FILE_LINE ? e.message : formatRowError(e)));
  if (err.totalErrors > SHOWN_ERRORS) lines.push(`… and ${err.totalErrors - SHOWN_ERRORS} more`);
  return new CliError(`import refused, nothing was written: ${err.message}`, lines);
}

const rate = (n: number, ms: number) => Math.round(n / Math.max(ms / 1000, 0.001));

export const dataCommands: Command[] = [
  {
    name: "import",
    usage: "import FILE --project P [--create-project] [--unknown-categories create|reject] [--format jsonl|csv]",
    args: 1,
    options: {
      ...PROJECT_OPTION,
      "create-project": { type: "boolean", default: false },
      "unknown-categories": { type: "string" },
      format: { type: "string" },
    },
    run: async (c) => {
      const [file] = c.args;
      if (!file) throw new UsageError("import needs a FILE");
      const format =
        oneOf(c.values, "format", ["jsonl", "csv"] as const) ??
        (/\.csv$/i.test(file) ? "csv" : /\.(jsonl|ndjson)$/i.test(file) ? "jsonl" : undefined);
      if (!format) throw new UsageError("cannot tell the format from the extension: pass --format jsonl|csv");
      const policy = oneOf(c.values, "unknown-categories", ["create", "reject"] as const) ?? "create";
      if (!existsSync(file)) throw new CliError(`file not found: ${file}`);
      const ref = str(c.values, "project");
      const project = c.values["create-project"] === true && ref ? await c.t.ensureProject(ref) : await projectOf(c);
      c.out.note(`importing ${file} (${format}) into "${project.name}" (${project.slug})`);
      const r = await c.t
        .importItems(project.id, {
          file,
          format,
          unknownCategories: policy,
          onProgress: ({ rows, elapsedMs }) => c.out.progress(`${rows} rows, ${rate(rows, elapsedMs)} rows/s`),
        })
        .catch((err: unknown) => {
          throw err instanceof ImportRejectedError ? rejection(err) : err;
        });
      c.out.result(
        r,
        `imported ${r.rows} rows in ${(r.ms / 1000).toFixed(1)} s (${rate(r.rows, r.ms)} rows/s): ` +
          `${r.created} created, ${r.updated} updated, ${r.labels} import labels, ` +
          `${r.categoriesCreated} categories created${r.importId ? ` (import #${r.importId})` : ""}`,
      );
    },
  },
  {
    name: "export",
    usage: "export --project P --format csv|jsonl [--source human|auto|import] [--split pool|test] [--out FILE]",
    options: {
      ...PROJECT_OPTION,
      format: { type: "string" },
      source: { type: "string" },
      split: { type: "string" },
      out: { type: "string", short: "o" },
    },
    run: async (c) => {
      const format = oneOf(c.values, "format", ["csv", "jsonl"] as const);
      if (!format) throw new UsageError("--format csv|jsonl is required");
      const source = oneOf(c.values, "source", ["human", "auto", "import"] as const);
      const split = oneOf(c.values, "split", ["pool", "test"] as const);
      const out = str(c.values, "out");
      const project = await projectOf(c);
      const chunks = await c.t.exportLabels(project.id, { format, source, split });
      let bytes = 0;
      const count = new Transform({
        transform(chunk: Buffer | string, _enc, done) {
          bytes += chunk.length;
          c.out.progress(`${Math.round(bytes / 1024)} KiB`);
          done(null, chunk);
        },
      });
      await pipeline(Readable.from(chunks), count, out ? createWriteStream(out) : process.stdout);
      c.out.note(`exported "${project.slug}" labels${out ? ` to ${out}` : ""} (${bytes} bytes)`);
    },
  },
];
