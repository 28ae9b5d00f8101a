/**
 * `npm run user:create -- --email a@b.c --name "Ann" [--admin] [--password …] [--project slug --role annotator]`
 *
 * The only way to make the first account (there is no sign-up). Opens the
 * database exactly as the server does (DATABASE_URL, or PGlite under
 * LOUPE_DATA_DIR), so with PGlite run it while the server is stopped.
 * Without --password a random one is generated and printed once.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { ROLES } from "../server/auth/roles";
import { getDbHandle } from "../server/db";
import { ServiceError } from "../server/errors";
import { UsersCreateInput } from "../server/schemas/users";
import { setMember } from "../server/services/members";
import { getProjectBySlug } from "../server/services/projects";
import { createUser } from "../server/services/users";

const USAGE = 'Usage: npm run user:create -- --email a@b.c --name "Ann" [--admin] [--password <12+ chars>] [--project <slug> --role <role>]';

const Args = UsersCreateInput.extend({ project: z.string().min(1).optional(), role: z.enum(ROLES).optional() }).refine(
  (a) => (a.project === undefined) === (a.role === undefined),
  { message: "--project and --role go together", path: ["role"] },
);

class UsageError extends Error {}

function readArgs(argv: string[]): z.infer<typeof Args> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        email: { type: "string" },
        name: { type: "string" },
        password: { type: "string" },
        admin: { type: "boolean", default: false },
        project: { type: "string" },
        role: { type: "string" },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const parsed = Args.safeParse({ ...values, isAdmin: values.admin, admin: undefined });
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((i) => `--${i.path.join(".") || "?"}: ${i.message}`).join("\n"));
  }
  return parsed.data;
}

async function run(args: z.infer<typeof Args>): Promise<void> {
  const handle = await getDbHandle();
  try {
    // Look the project up first, so a typo in the slug creates nothing.
    const project = args.project ? await getProjectBySlug(handle.db, args.project) : null;
    if (args.project && !project) throw new UsageError(`No project with slug "${args.project}"`);
    const { user, generatedPassword } = await createUser(handle.db, null, args);
    console.log(`Created user #${user.id} ${user.email}${user.isAdmin ? " (instance admin)" : ""}`);
    if (project && args.role) {
      await setMember(handle.db, null, project.id, { email: user.email, role: args.role });
      console.log(`Granted ${args.role} in project "${project.slug}"`);
    }
    if (generatedPassword) console.log(`Password (shown once, store it now): ${generatedPassword}`);
  } finally {
    await handle.close();
  }
}

async function main(): Promise<number> {
  try {
    await run(readArgs(process.argv.slice(2)));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) console.error(`${e.message}\n${USAGE}`);
    else if (e instanceof ServiceError) console.error(e.message);
    else console.error("user:create failed:", e);
    return 1;
  }
}

process.exitCode = await main();
