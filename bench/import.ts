/**
 * `npm run bench:import -- [--data FILE] [--only pglite|postgres] [--json]`
 * Imports the instacart file into a fresh project on PGlite (on disk) and on Postgres,
 * one after the other in one run, and compares the time with the targets.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { projects } from "@/db/schema";
import { importItems } from "@/server/services/imports";
import { DEFAULT_SETTINGS } from "@/server/services/projects";
import { freshPglite, freshPostgres, type BenchDb } from "./lib/import-targets";

const TARGET_SECONDS = { postgres: 15, pglite: 45 } as const;
type Target = keyof typeof TARGET_SECONDS;
type Figure = {
  db: Target;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  targetSeconds: number;
  ratio: number;
  created: number;
  labels: number;
  categories: number;
};

const { values } = parseArgs({
  options: {
    data: { type: "string", default: "../shared/data/instacart-products/products.jsonl" },
    only: { type: "string" },
    json: { type: "boolean", default: false },
  },
});

async function benchOne(target: Target, file: string): Promise<Figure> {
  const url = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const bench: BenchDb = target === "pglite" ? await freshPglite() : await freshPostgres(url);
  try {
    const db = bench.handle.db;
    const [p] = await db
      .insert(projects)
      .values({ slug: "bench", name: "Bench", settings: DEFAULT_SETTINGS })
      .returning({ id: projects.id });
    const format = file.endsWith(".csv") ? "csv" : "jsonl";
    const t0 = performance.now();
    const r = await importItems(db, {
      projectId: p!.id,
      actorId: null,
      source: createReadStream(file),
      format,
      filename: path.basename(file),
      unknownCategories: "create",
    });
    const seconds = (performance.now() - t0) / 1000;
    const targetSeconds = TARGET_SECONDS[target];
    return {
      db: target,
      rows: r.rows,
      seconds: round(seconds, 2),
      rowsPerSecond: Math.round(r.rows / seconds),
      targetSeconds,
      ratio: round(seconds / targetSeconds, 3),
      created: r.created,
      labels: r.labels,
      categories: r.categoriesCreated,
    };
  } finally {
    await bench.dispose();
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

async function main(): Promise<void> {
  const file = path.resolve(values.data!);
  if (!existsSync(file)) throw new Error(`data file not found: ${file}`);
  const targets: Target[] = values.only ? [values.only as Target] : ["pglite", "postgres"];
  const figures: Figure[] = [];
  console.log(`bench:import ${file} (${(statSync(file).size / 1e6).toFixed(1)} MB)`);
  for (const t of targets) {
    const f = await benchOne(t, file);
    figures.push(f);
    const verdict = f.ratio <= 1 ? "within target" : "OVER target";
    console.log(
      `${t.padEnd(8)} ${f.rows} rows in ${f.seconds.toFixed(2)} s = ${f.rowsPerSecond} rows/s; ` +
        `target ${f.targetSeconds} s, ratio ${f.ratio.toFixed(2)} (${verdict}); ${f.categories} categories, ${f.labels} labels`,
    );
  }
  if (values.json) console.log(JSON.stringify({ bench: "import", file: path.basename(file), figures }));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.stack : err);
  process.exit(1);
});
