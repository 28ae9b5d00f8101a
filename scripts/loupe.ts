/**
 * `npm run loupe -- <command>`: everything an ML engineer does from a shell.
 * On the database (DATABASE_URL, or the demo's PGlite folder while the server
 * is stopped), acting `--as EMAIL` through the server's own procedures or as
 * the command line itself; or on a running server with `--url URL` and an API
 * token (`--token`, or LOUPE_TOKEN). Exit codes: 0 done, 1 failed, 2 usage.
 * `--json` prints the answer as JSON on stdout; progress goes to stderr.
 */
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { ServiceError } from "../server/errors";
import { parseCommandLine } from "./cli/args";
import { categoryCommands } from "./cli/categories";
import type { Command, Output } from "./cli/command";
import { dataCommands } from "./cli/data";
import { openDbTransport } from "./cli/db-transport";
import { openHttpTransport } from "./cli/http-transport";
import { modelCommands } from "./cli/models";
import { projectCommands } from "./cli/project";
import { tokenCommands } from "./cli/token";
import { CliError, UsageError } from "./cli/transport";
import { userCommands } from "./cli/user";

const COMMANDS: Command[] = [
  ...projectCommands,
  ...categoryCommands,
  ...dataCommands,
  ...modelCommands,
  ...tokenCommands,
  ...userCommands,
];

const USAGE = [
  "usage: npm run loupe -- <command> [options]",
  "",
  "commands:",
  ...COMMANDS.map((c) => `  ${c.usage}`),
  "",
  "global options:",
  "  --as EMAIL      on the database: act as this user (their roles are checked, the audit log names them);",
  "                  without it the command line acts as the system (no role check, no actor)",
  "  --url URL       talk to a running server instead, with an API token (--token TOKEN or LOUPE_TOKEN)",
  "  --json          print the answer as JSON on stdout",
  "exit codes: 0 done, 1 failed, 2 usage",
].join("\n");

function output(json: boolean): Output {
  let last = 0;
  let shown = false;
  const tty = process.stderr.isTTY;
  return {
    json,
    result: (value, text) =>
      console.log(json ? JSON.stringify(value, null, 2) : Array.isArray(text) ? text.join("\n") : text),
    note: (text) => {
      if (shown && tty) process.stderr.write("\n");
      shown = false;
      console.error(text);
    },
    progress: (text) => {
      const now = Date.now();
      if (now - last < (tty ? 100 : 1_000)) return;
      last = now;
      shown = true;
      process.stderr.write(tty ? `\r${text}\x1b[K` : `${text}\n`);
    },
  };
}

/** The message and the lines that name what was wrong (a field, a line of the file). */
function describe(err: unknown): { message: string; lines: string[] } {
  if (err instanceof CliError) return { message: err.message, lines: err.lines };
  const cause = err instanceof TRPCError ? err.cause : err;
  if (cause instanceof z.ZodError)
    return { message: "invalid input", lines: cause.issues.map((i) => `${i.path.join(".") || "?"}: ${i.message}`) };
  const detailed = cause instanceof ServiceError ? (cause.details as { errors?: unknown } | undefined) : undefined;
  const lines = Array.isArray(detailed?.errors)
    ? (detailed.errors as { line?: number; message?: string }[]).map((e) => `line ${e.line}: ${e.message}`)
    : [];
  const message = err instanceof Error ? err.message : String(err);
  // A line the message already spells out is not repeated under it.
  return { message, lines: lines.filter((l) => !message.includes(l)) };
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(argv, COMMANDS);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${e.message}\n\n${USAGE}`);
    return 2;
  }
  const { command, values, args } = parsed;
  if (!command) {
    (values.help === true ? console.log : console.error)(USAGE);
    return values.help === true ? 0 : 2;
  }
  if (values.help === true) {
    console.log(`usage: npm run loupe -- ${command.usage}`);
    return 0;
  }
  const out = output(values.json === true);
  const url = typeof values.url === "string" ? values.url : undefined;
  const token = typeof values.token === "string" ? values.token : process.env.LOUPE_TOKEN;
  try {
    if (url && !token) throw new UsageError("--url needs an API token: --token TOKEN or LOUPE_TOKEN");
    if (url && values.as) throw new UsageError("--as is for the database; with --url the token says who you are");
    const t = url
      ? openHttpTransport({ url, token: token ?? "" })
      : await openDbTransport({ as: typeof values.as === "string" ? values.as : undefined });
    try {
      await command.run({ t, values, args, out });
    } finally {
      await t.close();
    }
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${e.message}\nusage: npm run loupe -- ${command.usage}`);
      return 2;
    }
    const { message, lines } = describe(e);
    console.error([message, ...lines.map((l) => `  ${l}`)].join("\n"));
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.stdout.write("", () => process.exit(code)),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
