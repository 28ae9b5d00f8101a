/**
 * npm run import -- --project NAME_OR_SLUG [--create-project] [--unknown-categories create|reject]
 *                   [--format jsonl|csv] FILE
 * Streams FILE into the project in one transaction: on any bad row nothing is written.
 */
import { createReadStream, existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { formatRowError } from "@/server/services/imports";
import { getDbHandle } from "../server/db";
import { ImportRejectedError, WHOLE_FILE_LINE } from "@/server/services/imports";
import { importItems, type ImportResult } from "@/server/services/imports";
import { ensureProjectForCli, findProjectBySlugOrName } from "@/server/services/projects";

const USAGE =
  "usage: npm run import -- --project NAME_OR_SLUG [--create-project] [--unknown-categories create|reject] [--format jsonl|csv] FILE";
const SHOWN_ERRORS = 20;

function parse() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      project: { type: "string" },
      "create-project": { type: "boolean", default: false },
      "unknown-categories": { type: "string", default: "create" },
      format: { type: "string" },
    },
  });
  const file = positionals[0];
  const policy = values["unknown-categories"];
  const format =
    values.format ??
    (file?.toLowerCase().endsWith(".csv") ? "csv" : file?.toLowerCase().endsWith(".jsonl") ? "jsonl" : undefined);
  if (!values.project || !file || positionals.length > 1) fail(USAGE);
  if (policy !== "create" && policy !== "reject") fail("--unknown-categories must be create or reject");
  if (format !== "csv" && format !== "jsonl")
    fail("cannot tell the format from the extension: pass --format jsonl|csv");
  if (!existsSync(file)) fail(`file not found: ${file}`);
  return { project: values.project, create: values["create-project"] ?? false, file, format, policy } as const;
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function printReport(r: ImportResult): void {
  console.log(
    `\nimported ${r.rows} rows in ${(r.ms / 1000).toFixed(1)} s (${Math.round(r.rows / Math.max(r.ms / 1000, 0.001))} rows/s): ` +
      `${r.created} created, ${r.updated} updated, ${r.labels} import labels, ` +
      `${r.humanLabelsKept} human labels kept, ${r.categoriesCreated} categories created (import #${r.importId})`,
  );
}

function printRejection(err: ImportRejectedError): void {
  console.error(`\nimport refused, nothing was written: ${err.message}`);
  for (const e of err.errors.slice(0, SHOWN_ERRORS))
    console.error(`  ${e.line === WHOLE_FILE_LINE ? e.message : formatRowError(e)}`);
  if (err.totalErrors > SHOWN_ERRORS) console.error(`  … and ${err.totalErrors - SHOWN_ERRORS} more`);
}

async function main(): Promise<number> {
  const args = parse();
  const handle = await getDbHandle();
  try {
    const project = args.create
      ? await ensureProjectForCli(handle.db, args.project)
      : await findProjectBySlugOrName(handle.db, args.project);
    if (!project) fail(`no project "${args.project}" (pass --create-project to create it)`);
    console.log(`importing ${args.file} (${args.format}) into "${project.name}" (${project.slug})`);
    const result = await importItems(handle.db, {
      projectId: project.id,
      actorId: null,
      source: createReadStream(args.file),
      format: args.format,
      filename: path.basename(args.file),
      unknownCategories: args.policy,
      onProgress: ({ rows, elapsedMs }) =>
        process.stderr.write(`\r${rows} rows, ${Math.round(rows / Math.max(elapsedMs / 1000, 0.001))} rows/s   `),
    });
    printReport(result);
    return 0;
  } catch (err) {
    if (!(err instanceof ImportRejectedError)) throw err;
    printRejection(err);
    return 1;
  } finally {
    await handle.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
