/**
 * Reading the command line: the command's words, then its options with the
 * global ones (node's util.parseArgs, strict: an unknown option is a usage error).
 */
import { parseArgs } from "node:util";
import type { Command, ParseArgsOptionsConfig, Values } from "./command";
import { UsageError } from "./transport";

export const GLOBAL_OPTIONS: ParseArgsOptionsConfig = {
  url: { type: "string" },
  token: { type: "string" },
  as: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
};

/** user create's own options, so the first pass does not take their values for words. */
const PASS_THROUGH_OPTIONS: ParseArgsOptionsConfig = {
  email: { type: "string" },
  password: { type: "string" },
  "password-stdin": { type: "boolean" },
  admin: { type: "boolean" },
  role: { type: "string" },
};

export type Parsed = { command: Command | null; values: Values; args: string[] };

export function parseCommandLine(argv: string[], commands: Command[]): Parsed {
  const all: ParseArgsOptionsConfig = { ...PASS_THROUGH_OPTIONS, ...GLOBAL_OPTIONS };
  for (const c of commands) Object.assign(all, c.options);
  const first = parseArgs({ args: argv, options: all, strict: false, allowPositionals: true, tokens: true });
  const [w1, w2] = first.positionals;
  const command =
    commands.find((c) => c.name === `${w1} ${w2}`) ?? commands.find((c) => c.name === w1 && !c.name.includes(" "));
  if (!command) {
    if (w1 === undefined || first.values.help === true) return { command: null, values: first.values, args: [] };
    throw new UsageError(`unknown command: ${first.positionals.slice(0, 2).join(" ")}`);
  }
  const words = command.name.split(" ").length;
  if (command.passThrough) return { command, values: first.values, args: passThrough(first.tokens ?? [], argv, words) };
  let second;
  try {
    second = parseArgs({
      args: argv,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const args = second.positionals.slice(words);
  if (args.length > (command.args ?? 0)) throw new UsageError(`unexpected argument: ${args.join(" ")}`);
  return { command, values: second.values, args };
}

type Token = NonNullable<ReturnType<typeof parseArgs>["tokens"]>[number];

/** Everything but the command's words and the global options, in order, for the command's own parser. */
function passThrough(tokens: Token[], argv: string[], words: number): string[] {
  const args: string[] = [];
  let skippedWords = 0;
  for (const t of tokens) {
    if (t.kind === "positional" && skippedWords < words) {
      skippedWords += 1;
      continue;
    }
    if (t.kind === "option" && t.name in GLOBAL_OPTIONS) continue;
    if (t.kind === "option") {
      args.push(argv[t.index] ?? "");
      if (t.value !== undefined && !t.inlineValue) args.push(t.value);
    } else if (t.kind === "positional") args.push(t.value);
    else args.push("--");
  }
  return args;
}
