/** `categories import FILE`: a whole taxonomy, all of it in one transaction or nothing. */
import { readFile } from "node:fs/promises";
import { type Command, oneOf, PROJECT_OPTION, projectOf } from "./command";
import { CliError, UsageError } from "./transport";

export const categoryCommands: Command[] = [
  {
    name: "categories import",
    usage: "categories import FILE --project P [--format text|csv] [--parents] [--dry-run]",
    args: 1,
    options: {
      ...PROJECT_OPTION,
      format: { type: "string" },
      parents: { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
    },
    run: async (c) => {
      const [file] = c.args;
      if (!file) throw new UsageError("categories import needs a FILE");
      const format = oneOf(c.values, "format", ["text", "csv"] as const) ?? (/\.csv$/i.test(file) ? "csv" : "text");
      const text = await readFile(file, "utf8").catch((e: Error) => {
        throw new CliError(`cannot read ${file}: ${e.message}`);
      });
      const project = await projectOf(c);
      const plan = await c.t.importTaxonomy(project.id, {
        text,
        format,
        parents: c.values.parents === true,
        dryRun: c.values["dry-run"] === true,
      });
      if (plan.errors.length > 0 && !c.out.json) {
        throw new CliError(
          "the file has refused lines",
          plan.errors.map((e) => `line ${e.line}: ${e.message}`),
        );
      }
      const verb = plan.applied ? "imported" : "would import";
      c.out.result(
        plan,
        `${verb} into "${project.slug}": ${plan.create.length} new, ${plan.restore.length} restored, ${plan.kept} already there`,
      );
      if (plan.errors.length > 0) process.exitCode = 1;
    },
  },
];
