/**
 * Every procedure × every kind of caller. Reads the procedures from the app
 * router itself, so procedures added later are covered without editing this
 * file; a procedure without `meta.access` fails the suite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { ROLES, type Role } from "@/lib/constants";
import { appRouter } from "@/server/routers/_app";
import type { SessionUser } from "@/server/services/auth";
import type { Access } from "@/server/trpc";
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

it("every procedure declares its access, and there are enough of them to mean something", () => {
  const undeclared = PROCEDURES.filter((p) => !p.access).map((p) => p.path);
  expect(undeclared, "procedures without meta.access (build them from the builders in server/trpc.ts)").toEqual([]);
  for (const p of PROCEDURES)
    expect(["public", "authenticated", "instance_admin", "project"]).toContain(p.access?.kind);
  expect(PROCEDURES.length).toBeGreaterThanOrEqual(MIN_PROCEDURES);
});

describe.each(dbTargets())("access matrix on $name", (target) => {
  let h: TestDb;
  const users = new Map<CallerKind, SessionUser | null>();
  const matrix: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    h = await createTestDb(target);
    users.set("logged_out", null);
    users.set("no_membership", await makeUser(h.db));
    for (const role of ROLES) users.set(role, await makeUser(h.db, { email: `${role}@example.test` }));
    users.set("instance_admin", await makeUser(h.db, { isAdmin: true }));
  });
  afterAll(async () => {
    console.log(
      `access matrix on ${target.name}: ${Object.keys(matrix).length} procedures × ${CALLERS.length} callers`,
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
      const refused = plan.filter((c) => c.want !== "allowed" && c.want !== "any");
      const allowed = plan.filter((c) => c.want === "allowed" || c.want === "any");
      const row: Record<string, string> = {};
      matrix[path] = row;

      // Refused callers first, around one snapshot: none of them may change anything.
      const before = await snapshotDb(h);
      for (const { who, want } of refused) {
        const got = await outcome(() => invoke(callerFor(h.db, users.get(who)!), path, input));
        row[who] = got.code;
        expect(got.code, `${path} as ${who}: ${got.message}`).toBe(want);
        if (want === "NOT_FOUND") expect(got.message).toBe("Project not found");
      }
      if (type === "mutation")
        expect(await snapshotDb(h), `${path}: a refused call changed the database`).toEqual(before);

      for (const { who, want } of allowed) {
        const got = await outcome(() => invoke(callerFor(h.db, users.get(who) ?? null), path, input));
        row[who] = got.code;
        if (want === "any") continue;
        expect(DENIED.has(got.code), `${path} as ${who} was refused: ${got.code} ${got.message}`).toBe(false);
        expect(got.message, `${path} as ${who}`).not.toBe("Project not found");
        expect(got.code, `${path} as ${who}: ${got.message}`).not.toBe("NON_TRPC_ERROR");
      }
    },
  );
});
