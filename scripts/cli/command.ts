/** The shape of one CLI command, and what it gets to run: the transport, its parsed options, output. */
import type { ParseArgsConfig } from "node:util";
import { type ProjectRef, type Transport, UsageError } from "./transport";

export type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig["options"]>;

export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export type Output = {
  json: boolean;
  /** The command's answer on stdout: `value` as JSON with --json, else `text`. */
  result: (value: unknown, text: string | string[]) => void;
  /** Progress and notes on stderr, never mixed into the answer. */
  note: (text: string) => void;
  progress: (text: string) => void;
};

export type RunContext = { t: Transport; values: Values; args: string[]; out: Output };

export type Command = {
  /** One or two words: "status", "project create". */
  name: string;
  usage: string;
  options?: ParseArgsOptionsConfig;
  /** How many positional arguments it takes after its name. */
  args?: number;
  /** Its own parser reads everything after its name but the global options (`args` holds it all). */
  passThrough?: boolean;
  run: (c: RunContext) => Promise<void>;
};

export const PROJECT_OPTION: ParseArgsOptionsConfig = { project: { type: "string", short: "p" } };

export function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}

export function requireStr(values: Values, name: string): string {
  const v = str(values, name);
  if (v === undefined || v === "") throw new UsageError(`--${name} is required`);
  return v;
}

export function oneOf<T extends string>(values: Values, name: string, allowed: readonly T[]): T | undefined {
  const v = str(values, name);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`--${name} must be ${allowed.join(" or ")}`);
  return v as T;
}

export function positiveInt(text: string | undefined, what: string): number {
  if (!text || !/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`${what} must be a positive whole number`);
  return Number(text);
}

/** --project, or LOUPE_PROJECT: an id, a slug or (on the database) a name. */
export function projectOf(c: RunContext): Promise<ProjectRef> {
  const ref = str(c.values, "project") ?? process.env.LOUPE_PROJECT;
  if (!ref) throw new UsageError("--project is required (an id or a slug; or set LOUPE_PROJECT)");
  return c.t.project(ref);
}
