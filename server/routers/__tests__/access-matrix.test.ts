/**
 * Every procedure × every kind of caller, by session and by API token. Reads
 * the procedures from the app router itself, so procedures added later are
 * covered without editing this file; a procedure without `meta.access` (or,
 * unless public, without the token scope it needs) fails the suite.
 *
 * Tokens: for each procedure, every kind of caller also calls it with a token
 * holding exactly the procedure's scope and must get what its session gets; an
 * instance admin's token with every other scope must be refused; a
 * session-only procedure must refuse even an instance admin's token with every scope.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { ROLES, TOKEN_SCOPES, type Role, type TokenScope } from "@/lib/constants";
import { createApiToken } from "@/server/services/api-tokens";
import { appRouter } from "@/server/routers/_app";
import type { SessionUser } from "@/server/services/auth";
import { FROM_SESSION, type Access } from "@/server/trpc";
import { createTestDb, dbTargets, type TestDb } from "@/test/db";
import { snapshotDb } from "@/test/db-snapshot";
import { addMember, callerFor, makeProject, makeUser } from "@/test/factories";
import { insertItems } from "./fixtures";

type ProcDef = { type: "query" | "mutation" | "subscription"; meta?: { access?: Access } };
// Typed as the nested router record; at runtime it is flat, "a.b" → procedure.
const PROCEDURES = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: ProcDef }>).map(
  ([path, p]) => ({
    path,
    type: p._def.type,
    access: p._def.meta?.access,
  }),
);
/** Raise this as the API grows: an empty or truncated router must not pass. */
const MIN_PROCEDURES = 30;

type CallerKind = "logged_out" | "no_membership" | Role | "instance_admin";
const CALLERS: CallerKind[] = ["logged_out", "no_membership", ...ROLES, "instance_admin"];
const DENIED = new Set(["UNAUTHORIZED", "FORBIDDEN"]);

/** What a caller must get: an exact code, or "allowed" (anything but a refusal). */
function expected(access: Access, who: CallerKind): string {
  if (access.kind === "public") return "any";
  if (who === "logged_out") return "UNAUTHORIZED";
  if (access.kind === "authenticated") return "allowed";
  if (access.kind === "instance_admin") return who === "instance_admin" ? "allowed" : "FORBIDDEN";
  if (who === "instance_admin") return "allowed";
  if (who === "no_membership") return "NOT_FOUND";
  return access.roles.includes(who) ? "allowed" : "FORBIDDEN";
}

async function outcome(run: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await run();
    return { code: "OK", message: "" };
  } catch (e) {
    if (e instanceof TRPCError) return { code: e.code, message: e.message };
    return { code: "NON_TRPC_ERROR", message: String(e) };
  }
}

function invoke(caller: unknown, path: string, input: unknown): Promise<unknown> {
  const fn = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  return (fn as (i: unknown) => Promise<unknown>)(input);
}

const allBut = (scope: TokenScope) => TOKEN_SCOPES.filter((s) => s !== scope);

/** The calls made with API tokens for one procedure: [column, token key, expected]. */
function tokenPlan(access: Exclude<Access, { kind: "public" }>): { column: string; key: string; want: string }[] {
  if (access.scope === "session")
    return [{ column: "token:all→admin*", key: `instance_admin:${TOKEN_SCOPES.join("+")}`, want: "FORBIDDEN" }];
  const scope = access.scope;
  return [
    { column: `token:¬${scope}→admin*`, key: `instance_admin:${allBut(scope).join("+")}`, want: "FORBIDDEN" },
    ...CALLERS.filter((c) => c !== "logged_out").map((who) => ({
      column: `token:${scope}→${who}`,
      key: `${who}:${scope}`,
      want: expected(access, who),
    })),
  ];
}

it("every procedure declares its access, and there are enough of them to mean something", () => {
  const undeclared = PROCEDURES.filter((p) => !p.access).map((p) => p.path);
  expect(undeclared, "procedures without meta.access (build them from the builders in server/trpc.ts)").toEqual([]);
  for (const p of PROCEDURES) {
    expect(["public", "authenticated", "instance_admin", "project"]).toContain(p.access?.kind);
    if (p.access && p.access.kind !== "public")
      expect([...TOKEN_SCOPES, "session"], `${p.path}: token scope`).toContain(p.access.scope);
  }
  expect(PROCEDURES.length).toBeGreaterThanOrEqual(MIN_PROCEDURES);
});

describe.each(dbTargets())("access matrix on $name", (target) => {
  let h: TestDb;
  const users = new Map<CallerKind, SessionUser | null>();
  /** `${who}:${scopes joined by +}` → the token's text. */
  const tokens = new Map<string, string>();
  const matrix: Record<string, Record<string, string>> = {};
  const makeToken = async (who: CallerKind, scopes: TokenScope[]) => {
    const made = await createApiToken(h.db, { actor: users.get(who)!, name: "matrix", scopes, expiresInDays: 1 });
    tokens.set(`${who}:${scopes.join("+")}`, made.token);
  };

  beforeAll(async () => {
    h = await createTestDb(target);
    users.set("logged_out", null);
    users.set("no_membership", await makeUser(h.db));
    for (const role of ROLES) users.set(role, await makeUser(h.db, { email: `${role}@example.test` }));
    users.set("instance_admin", await makeUser(h.db, { isAdmin: true }));
    for (const who of CALLERS.filter((c) => c !== "logged_out"))
      for (const scope of TOKEN_SCOPES) await makeToken(who, [scope]);
    for (const scope of TOKEN_SCOPES) await makeToken("instance_admin", allBut(scope));
    await makeToken("instance_admin", [...TOKEN_SCOPES]);
  });
  afterAll(async () => {
    console.log(
      `access matrix on ${target.name}: ${Object.keys(matrix).length} procedures × ${CALLERS.length} callers (+ API tokens)`,
    );
    console.table(matrix);
    await h?.drop();
  });

  /** A fresh project per procedure, so an allowed destructive call cannot spoil the next row. */
  async function freshProject() {
    const { project } = await makeProject(h.db);
    await insertItems(h, project.id, ["a", "b", "c"]);
    for (const role of ROLES) await addMember(h.db, project.id, users.get(role)!.id, role);
    return project.id;
  }

  it.each(PROCEDURES.filter((p) => p.access && p.type !== "subscription"))(
    "$path ($type)",
    async ({ path, type, access }) => {
      const projectId = await freshProject();
      const input = access!.kind === "project" ? { projectId } : {};
      const plan = CALLERS.map((who) => ({ who, want: expected(access!, who) }));
      const row: Record<string, string> = {};
      matrix[path] = row;

      const asToken = (key: string) =>
        callerFor(h.db, null, { user: FROM_SESSION, bearerToken: tokens.get(key) ?? "missing" });
      const byToken = access!.kind === "public" ? [] : tokenPlan(access!);
      const calls = [
        ...plan.map(({ who, want }) => ({ column: who, want, call: () => callerFor(h.db, users.get(who) ?? null) })),
        ...byToken.map(({ column, key, want }) => ({ column, want, call: () => asToken(key) })),
      ];
      const refused = calls.filter((c) => c.want !== "allowed" && c.want !== "any");
      const allowed = calls.filter((c) => c.want === "allowed" || c.want === "any");

      // Refused callers first, around one snapshot: none of them may change anything (a token's last use aside).
      const ignore = { api_tokens: ["last_used_at"] };
      const before = await snapshotDb(h, ignore);
      for (const { column, want, call } of refused) {
        const got = await outcome(() => invoke(call(), path, input));
        row[column] = got.code;
        expect(got.code, `${path} as ${column}: ${got.message}`).toBe(want);
        if (want === "NOT_FOUND") expect(got.message).toBe("Project not found");
      }
      if (type === "mutation")
        expect(await snapshotDb(h, ignore), `${path}: a refused call changed the database`).toEqual(before);

      for (const { column, want, call } of allowed) {
        const got = await outcome(() => invoke(call(), path, input));
        row[column] = got.code;
        if (want === "any") continue;
        expect(DENIED.has(got.code), `${path} as ${column} was refused: ${got.code} ${got.message}`).toBe(false);
        expect(got.message, `${path} as ${column}`).not.toBe("Project not found");
        expect(got.code, `${path} as ${column}: ${got.message}`).not.toBe("NON_TRPC_ERROR");
      }
    },
  );
});
