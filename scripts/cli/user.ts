/**
 * `user create`: the same arguments and password rules as `npm run user:create`
 * (user-create-args.ts). Without --as it is the command line creating the first
 * admin; with --as the caller must be an instance admin, as in the browser.
 */
import { readAllStdin, readArgs, UsageError as UserArgsError } from "../user-create-args";
import type { Command } from "./command";
import { UsageError } from "./transport";

export const userCommands: Command[] = [
  {
    name: "user create",
    usage:
      'user create --email a@b.c --name "Ann" [--admin] [--password-stdin] [--project SLUG --role ROLE]\n' +
      "    the password comes from stdin (--password-stdin), else LOUPE_NEW_USER_PASSWORD, else is generated and shown once",
    /** Parsed by user-create-args itself. */
    passThrough: true,
    run: async ({ t, args, out }) => {
      const input = await readArgs(args, {
        env: process.env,
        readStdin: () => readAllStdin(),
        warn: (m) => out.note(m),
      }).catch((e: unknown) => {
        throw e instanceof UserArgsError ? new UsageError(e.message) : e;
      });
      const r = await t.createUser(input);
      out.result(r, [
        `Created user #${r.user.id} ${r.user.email}${r.user.isAdmin ? " (instance admin)" : ""}`,
        ...(r.granted ? [`Granted ${r.granted.role} in project "${r.granted.project}"`] : []),
        ...(r.generatedPassword ? [`Password (shown once, store it now): ${r.generatedPassword}`] : []),
      ]);
    },
  },
];
