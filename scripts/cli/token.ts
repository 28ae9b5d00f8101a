/**
 * `token create|list|revoke`: the caller's own API tokens (`--as EMAIL` on the
 * database; a token cannot manage tokens). `token create` prints the token
 * alone on stdout, so `LOUPE_TOKEN=$(npm run -s loupe -- token create ...)` works.
 */
import { TOKEN_SCOPES, type TokenScope } from "@/lib/constants";
import { type Command, positiveInt, requireStr, str } from "./command";
import { UsageError } from "./transport";

function scopesOf(text: string): TokenScope[] {
  const scopes = text.split(",").map((s) => s.trim());
  for (const s of scopes)
    if (!(TOKEN_SCOPES as readonly string[]).includes(s))
      throw new UsageError(`--scopes: "${s}" is not one of ${TOKEN_SCOPES.join(", ")}`);
  return scopes as TokenScope[];
}

function expiryOf(text: string | undefined): number | null | undefined {
  if (text === undefined) return undefined; // the server's default
  return text === "never" ? null : positiveInt(text, "--expires-days");
}

const when = (d: Date | string | null) => (d ? new Date(d).toISOString().slice(0, 16).replace("T", " ") : "-");

export const tokenCommands: Command[] = [
  {
    name: "token create",
    usage: "token create --as EMAIL --name NAME --scopes read,write,ml [--projects ID,ID] [--expires-days N|never]",
    options: {
      name: { type: "string" },
      scopes: { type: "string" },
      projects: { type: "string" },
      "expires-days": { type: "string" },
    },
    run: async ({ t, values, out }) => {
      const projects = str(values, "projects");
      const made = await t.createToken({
        name: requireStr(values, "name"),
        scopes: scopesOf(requireStr(values, "scopes")),
        projectIds: projects ? projects.split(",").map((p) => positiveInt(p.trim(), "--projects")) : undefined,
        expiresInDays: expiryOf(str(values, "expires-days")),
      });
      out.note(`token #${made.id} "${made.name}" (${made.scopes.join(",")}), expires ${when(made.expiresAt)}`);
      out.note("shown once: store it now");
      out.result(made, made.token);
    },
  },
  {
    name: "token list",
    usage: "token list --as EMAIL [--all]",
    options: { all: { type: "boolean", default: false } },
    run: async ({ t, values, out }) => {
      const { tokens } = await t.listTokens(values.all === true);
      out.result(
        tokens,
        tokens.length === 0
          ? "no tokens"
          : tokens.map((k) =>
              [
                k.id,
                `${k.prefix}…`,
                k.name,
                k.scopes.join(","),
                k.projectIds ? `projects ${k.projectIds.join(",")}` : "all projects",
                `last used ${when(k.lastUsedAt)}`,
                `expires ${when(k.expiresAt)}`,
                k.revokedAt ? "REVOKED" : "",
                values.all === true ? k.ownerEmail : "",
              ]
                .filter((x) => x !== "")
                .join("\t"),
            ),
      );
    },
  },
  {
    name: "token revoke",
    usage: "token revoke ID --as EMAIL",
    args: 1,
    run: async ({ t, args, out }) => {
      const id = positiveInt(args[0], "the token ID");
      const r = await t.revokeToken(id);
      out.result(r ?? { id, revoked: true }, `revoked token #${id}`);
    },
  },
];
