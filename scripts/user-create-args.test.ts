/** Where `npm run user:create` takes the password from, and that the command line one warns. */
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
  PASSWORD_ARG_WARNING,
  PASSWORD_ENV,
  readAllStdin,
  readArgs,
  UsageError,
  type ArgsContext,
} from "./user-create-args";

const base = ["--email", "Ann@Example.test", "--name", "Ann"];

function context(o: { env?: Record<string, string>; stdin?: string } = {}) {
  const warnings: string[] = [];
  let stdinReads = 0;
  const ctx: ArgsContext = {
    env: o.env ?? {},
    readStdin: async () => {
      stdinReads++;
      return o.stdin ?? "";
    },
    warn: (m) => void warnings.push(m),
  };
  return { ctx, warnings, stdinReads: () => stdinReads };
}

describe("user:create arguments", () => {
  it("reads the password from stdin with --password-stdin, without the trailing newline", async () => {
    const c = context({ stdin: "correct horse battery\n", env: { [PASSWORD_ENV]: "not this one at all" } });
    const a = await readArgs([...base, "--password-stdin", "--admin"], c.ctx);
    expect(a).toMatchObject({
      email: "ann@example.test",
      name: "Ann",
      password: "correct horse battery",
      isAdmin: true,
    });
    expect(c.warnings).toEqual([]);
    expect(c.stdinReads()).toBe(1);
  });

  it("takes LOUPE_NEW_USER_PASSWORD when no flag gives one, and never touches stdin then", async () => {
    const c = context({ env: { [PASSWORD_ENV]: "a long env passphrase" } });
    expect((await readArgs(base, c.ctx)).password).toBe("a long env passphrase");
    expect(c.stdinReads()).toBe(0);
    expect(c.warnings).toEqual([]);
  });

  it("generates one (no password) when nothing is given", async () => {
    const c = context({ env: { [PASSWORD_ENV]: "" } });
    expect((await readArgs(base, c.ctx)).password).toBeUndefined();
  });

  it("still accepts --password, with a warning that ps shows it", async () => {
    const c = context();
    expect((await readArgs([...base, "--password", "a long passphrase"], c.ctx)).password).toBe("a long passphrase");
    expect(c.warnings).toEqual([PASSWORD_ARG_WARNING]);
  });

  it("refuses both flags at once, an empty stdin and a short password", async () => {
    await expect(
      readArgs([...base, "--password", "a long passphrase", "--password-stdin"], context().ctx),
    ).rejects.toThrow(UsageError);
    await expect(readArgs([...base, "--password-stdin"], context({ stdin: "\n" }).ctx)).rejects.toThrow(
      "nothing was read from stdin",
    );
    await expect(readArgs([...base, "--password-stdin"], context({ stdin: "short" }).ctx)).rejects.toThrow(
      "at least 12 characters",
    );
  });

  it("reads a piped stdin to its end", async () => {
    expect(await readAllStdin(Readable.from([Buffer.from("pass "), "phrase\n"]))).toBe("pass phrase\n");
  });
});
