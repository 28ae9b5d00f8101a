/**
 * The arguments of `npm run user:create`, apart from the process so they can
 * be tested. The password comes from stdin (`--password-stdin`), from
 * LOUPE_NEW_USER_PASSWORD, or is generated; `--password` still works but
 * puts it where `ps` and the shell history show it, so it warns.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { ROLES } from "@/lib/constants";
import { UsersCreateInput } from "../server/schemas/users";

export const PASSWORD_ENV = "LOUPE_NEW_USER_PASSWORD";

export const USAGE = [
  'Usage: npm run user:create -- --email a@b.c --name "Ann" [--admin] [--password-stdin] [--project <slug> --role <role>]',
  `The password (12+ characters) is read from stdin with --password-stdin, else from ${PASSWORD_ENV}, else generated and printed once.`,
].join("\n");

export const PASSWORD_ARG_WARNING =
  "Warning: --password is visible to other users (ps) and kept in your shell history; " +
  `use --password-stdin or ${PASSWORD_ENV} instead.`;

const Args = UsersCreateInput.extend({ project: z.string().min(1).optional(), role: z.enum(ROLES).optional() }).refine(
  (a) => (a.project === undefined) === (a.role === undefined),
  { message: "--project and --role go together", path: ["role"] },
);

export type UserCreateArgs = z.infer<typeof Args>;

export class UsageError extends Error {}

export type ArgsContext = {
  env: Record<string, string | undefined>;
  /** All of stdin; only called with --password-stdin. */
  readStdin: () => Promise<string>;
  warn: (message: string) => void;
};

export async function readArgs(argv: string[], ctx: ArgsContext): Promise<UserCreateArgs> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        email: { type: "string" },
        name: { type: "string" },
        password: { type: "string" },
        "password-stdin": { type: "boolean", default: false },
        admin: { type: "boolean", default: false },
        project: { type: "string" },
        role: { type: "string" },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { admin, "password-stdin": fromStdin, ...rest } = values;
  const password = await choosePassword(rest.password, fromStdin, ctx);
  const parsed = Args.safeParse({ ...rest, password, isAdmin: admin });
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((i) => `--${i.path.join(".") || "?"}: ${i.message}`).join("\n"));
  }
  return parsed.data;
}

async function choosePassword(
  arg: string | undefined,
  fromStdin: boolean,
  ctx: ArgsContext,
): Promise<string | undefined> {
  if (arg !== undefined && fromStdin) throw new UsageError("--password and --password-stdin: give one of them");
  if (arg !== undefined) {
    ctx.warn(PASSWORD_ARG_WARNING);
    return arg;
  }
  if (fromStdin) {
    // `echo secret | …` adds a newline that is not part of the password.
    const text = (await ctx.readStdin()).replace(/\r?\n$/, "");
    if (text === "") throw new UsageError("--password-stdin: nothing was read from stdin");
    return text;
  }
  const env = ctx.env[PASSWORD_ENV];
  return env === undefined || env === "" ? undefined : env;
}

/** Reads stdin to its end (a pipe or a redirected file). */
export async function readAllStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}
