/**
 * npm run export -- --project SLUG --format csv|jsonl [--source human|auto|import] [--split pool|test] [--out FILE]
 * Streams the project's labels with provenance to FILE (or stdout).
 */
import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { getDbHandle } from "../server/db";
import { exportLabels } from "@/server/services/exports";
import { findProjectBySlugOrName } from "@/server/services/projects";

const USAGE =
  "usage: npm run export -- --project SLUG --format csv|jsonl [--source human|auto|import] [--split pool|test] [--out FILE]";

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function parse() {
  const { values } = parseArgs({
    options: {
      project: { type: "string" },
      format: { type: "string" },
      source: { type: "string" },
      split: { type: "string" },
      out: { type: "string" },
    },
  });
  const { project, format, source, split, out } = values;
  if (!project || (format !== "csv" && format !== "jsonl")) fail(USAGE);
  if (source !== undefined && source !== "human" && source !== "auto" && source !== "import")
    fail("--source must be human, auto or import");
  if (split !== undefined && split !== "pool" && split !== "test") fail("--split must be pool or test");
  return { project, format, source, split, out } as const;
}

async function main(): Promise<void> {
  const args = parse();
  const handle = await getDbHandle();
  try {
    const project = await findProjectBySlugOrName(handle.db, args.project);
    if (!project) fail(`no project "${args.project}"`);
    const { chunks } = await exportLabels(handle.db, {
      projectId: project.id,
      actorId: null,
      format: args.format,
      source: args.source,
      split: args.split,
    });
    await pipeline(Readable.from(chunks), args.out ? createWriteStream(args.out) : process.stdout);
    if (args.out) console.error(`exported "${project.slug}" labels to ${args.out}`);
  } finally {
    await handle.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
