/**
 * `npm run user:create -- --email a@b.c --name "Ann" [--admin] [--password-stdin] [--project slug --role annotator]`
 *
 * The only way to make the first account (there is no sign-up). Opens the
 * database exactly as the server does (DATABASE_URL, or PGlite under
 * LOUPE_DATA_DIR), so with PGlite run it while the server is stopped.
 * The password comes from stdin (--password-stdin) or LOUPE_NEW_USER_PASSWORD
 * (never the command line, which `ps` shows; --password still works, with a
 * warning); without one a random one is generated and printed once.
 */
import { getDbHandle } from "../server/db";
import { ServiceError } from "../server/errors";
import { setMember } from "@/server/services/projects";
import { getProjectBySlug } from "@/server/services/projects";
import { createUser } from "@/server/services/users";
import { readAllStdin, readArgs, USAGE, UsageError, type UserCreateArgs } from "./user-create-args";

async function run(args: UserCreateArgs): Promise<void> {
  const handle = await getDbHandle();
  try {
    // Look the project up first, so a typo in the slug creates nothing.
    const project = args.project ? await getProjectBySlug(handle.db, { slug: args.project }) : null;
    if (args.project && !project) throw new UsageError(`No project with slug "${args.project}"`);
    const { user, generatedPassword } = await createUser(handle.db, { ...args, actorId: null });
    console.log(`Created user #${user.id} ${user.email}${user.isAdmin ? " (instance admin)" : ""}`);
    if (project && args.role) {
      await setMember(handle.db, { projectId: project.id, actorId: null, email: user.email, role: args.role });
      console.log(`Granted ${args.role} in project "${project.slug}"`);
    }
    if (generatedPassword) console.log(`Password (shown once, store it now): ${generatedPassword}`);
  } finally {
    await handle.close();
  }
}

async function main(): Promise<number> {
  try {
    await run(
      await readArgs(process.argv.slice(2), {
        env: process.env,
        readStdin: () => readAllStdin(),
        warn: (m) => console.error(m),
      }),
    );
    return 0;
  } catch (e) {
    if (e instanceof UsageError) console.error(`${e.message}\n${USAGE}`);
    else if (e instanceof ServiceError) console.error(e.message);
    else console.error("user:create failed:", e);
    return 1;
  }
}

process.exitCode = await main();
