/**
 * tRPC in three parts: 1. context, 2. init, 3. procedure builders.
 * Every procedure is built from one of the builders below, and each builder
 * records who may call it in `meta.access`; the role × procedure test reads it.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z } from "zod";
import type { Db } from "@/db/client";
import type { ProcedureScope, Role } from "@/lib/constants";
import { getSessionUser, getSessionUserWithRole, roleInProject, type SessionUser } from "@/server/services/auth";
import { admitTokenCall, resolveApiToken, takeTokenCall, type ApiTokenGrant } from "@/server/services/api-tokens";
import { withApiToken } from "@/server/services/audit";
import { ProjectId, unstorableTextAt } from "@/server/schemas/common";
import { ServiceError, toTRPCError } from "./errors";

// 1. Context -----------------------------------------------------------------
/**
 * `Context.user` for HTTP requests: the procedure builders look the session (or
 * the API token) up themselves, with the caller's project role in the same
 * statement, instead of the context spending a round trip on the user before the role.
 */
export const FROM_SESSION = Symbol("from-session");

export type Context = {
  db: Db;
  /** The caller; FROM_SESSION means "resolve bearerToken or else sessionToken" (see requireUser and projectProcedure). */
  user: SessionUser | null | typeof FROM_SESSION;
  sessionToken: string | null;
  /**
   * An API token from `Authorization: Bearer`. When set, the session cookie is
   * ignored: the call has exactly the token's rights (its scopes, its projects,
   * its owner's current roles), never the browser's.
   */
  bearerToken?: string | null;
  /** Calls per minute per API token (API_TOKEN_RATE_PER_MINUTE); default DEFAULT_TOKEN_RATE_PER_MINUTE. */
  apiTokenRatePerMinute?: number;
  sessionSecret: string;
  sessionTtlHours: number;
  /**
   * Calls a minute each user may make to procedures that scan a project (COSTLY_CALLS_PER_MINUTE);
   * absent for server-side callers (tests, benches, the CLI), which are not limited.
   */
  costlyCallsPerMinute?: number;
  /** Idle timeout of the sessions this context creates (SESSION_IDLE_MINUTES); the default when absent. */
  sessionIdleMinutes?: number;
  /** Client address, for login throttling. */
  clientKey: string;
  /** Adds a Set-Cookie header to the response (absent in server-side callers). */
  setCookie?: (cookie: string) => void;
  secureCookies: boolean;
};

/**
 * Who may call a procedure: the kind of caller, the project roles, and the
 * token scope an API token needs for it ("session": no token may call it).
 */
export type Access =
  | { kind: "public" }
  | ({ scope: ProcedureScope } & (
      { kind: "authenticated" } | { kind: "instance_admin" } | { kind: "project"; roles: readonly Role[] }
    ));

export const DEFAULT_TOKEN_RATE_PER_MINUTE = 600;

/** `costly`: counted against the per-user budget of heavy reads (admitCostlyCall). */
export type Meta = { access: Access; costly?: boolean };

// 2. Init --------------------------------------------------------------------
const INTERNAL_MESSAGE = "Internal server error";
const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const cause = error.cause as { details?: unknown } | undefined;
      const zodIssues =
        error.code === "BAD_REQUEST" && error.cause instanceof z.ZodError ? error.cause.issues : undefined;
      // Errors raised outside the procedures (serialising an answer) skip mapErrors: their message is internal too.
      const message = error.code === "INTERNAL_SERVER_ERROR" ? INTERNAL_MESSAGE : shape.message;
      return { ...shape, message, data: { ...shape.data, stack: undefined, details: cause?.details, zodIssues } };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Maps typed service errors once, so resolvers can simply throw them. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const { error } = result;
  if (error.cause instanceof ServiceError) throw toTRPCError(error.cause);
  // A stack overflow or an impossible length while handling input: too deep or too big, the caller's to fix.
  if (error.cause instanceof RangeError) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: "Input is nested too deeply or too large",
      cause: error.cause,
    });
  }
  // tRPC wraps unknown throws as INTERNAL_SERVER_ERROR carrying the original message: hide it.
  if (error.code === "INTERNAL_SERVER_ERROR") throw toTRPCError(error.cause ?? new Error(error.message));
  throw error;
});

/**
 * NUL and unpaired surrogates in any string of the input: 400 naming the field, before the
 * input schema runs. Last in every builder, so a logged-out caller still hears that first.
 */
const refuseUnstorableText = t.middleware(async ({ next, getRawInput }) => {
  const at = unstorableTextAt(await getRawInput());
  if (at !== null) {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `${at}: text cannot contain NUL characters or unpaired surrogates`,
    });
  }
  return next();
});

// 3. Procedure builders ---------------------------------------------------------
export const publicProcedure = t.procedure
  .meta({ access: { kind: "public" } })
  .use(mapErrors)
  .use(refuseUnstorableText);

const notLoggedIn = () => new TRPCError({ code: "UNAUTHORIZED", message: "Please log in" });
const badToken = () => new TRPCError({ code: "UNAUTHORIZED", message: "The API token is invalid, expired or revoked" });

/** Who is calling, and through which API token (null: a session or a server-side caller). */
type Caller = { user: SessionUser; grant: ApiTokenGrant | null };

async function resolveCaller(ctx: Context): Promise<Caller | null> {
  if (ctx.user !== FROM_SESSION) return ctx.user ? { user: ctx.user, grant: null } : null;
  if (ctx.bearerToken != null) {
    const found = await resolveApiToken(ctx.db, { token: ctx.bearerToken });
    if (!found) throw badToken();
    return { user: found.user, grant: found.grant };
  }
  const user = ctx.sessionToken ? await getSessionUser(ctx.db, ctx.sessionToken, ctx.sessionSecret) : null;
  return user ? { user, grant: null } : null;
}

/**
 * What a token may do here: the call counts against its throttle, then it needs
 * the procedure's scope and, if it is limited to some projects, this project.
 * The owner's role is checked as for a session, by the caller of this.
 */
function admitToken(ctx: Context, grant: ApiTokenGrant, scope: ProcedureScope, projectId?: number): void {
  const ratePerMinute = ctx.apiTokenRatePerMinute ?? DEFAULT_TOKEN_RATE_PER_MINUTE;
  const refusal = admitTokenCall(grant, { scope, ratePerMinute, projectId });
  if (refusal)
    throw new TRPCError({
      code: refusal.kind === "rate" ? "TOO_MANY_REQUESTS" : "FORBIDDEN",
      message: refusal.message,
    });
}

/** The rest of the call runs as acting through the token, so every audit event it records names it. */
function asCaller<T>(grant: ApiTokenGrant | null, run: () => T): T {
  return grant ? withApiToken(grant.id, run) : run();
}

function requireUser(scope: ProcedureScope) {
  return t.middleware(async ({ ctx, next }) => {
    const caller = await resolveCaller(ctx);
    if (!caller) throw notLoggedIn();
    if (caller.grant) admitToken(ctx, caller.grant, scope);
    const { user, grant } = caller;
    return asCaller(grant, () => next({ ctx: { ...ctx, user, apiToken: grant } }));
  });
}

/** Any signed-in caller; `scope` is what an API token needs for it. */
export function authedProcedure(scope: ProcedureScope) {
  return t.procedure
    .meta({ access: { kind: "authenticated", scope } })
    .use(mapErrors)
    .use(requireUser(scope))
    .use(refuseUnstorableText);
}

export function instanceAdminProcedure(scope: ProcedureScope) {
  return t.procedure
    .meta({ access: { kind: "instance_admin", scope } })
    .use(mapErrors)
    .use(requireUser(scope))
    .use(({ ctx, next }) => {
      if (!ctx.user.isAdmin) throw new TRPCError({ code: "FORBIDDEN", message: "Only administrators can do that" });
      return next();
    })
    .use(refuseUnstorableText);
}

// The same bounds as every input schema's projectId: 2^31 got past a bare positive int and made
// the role lookup fail in Postgres ("out of range for type integer"), a 500 on every project procedure.
const ProjectRef = z.object({ projectId: ProjectId });

/**
 * Resolves the caller's role in `input.projectId` before the input is parsed in
 * full. `scope` is what an API token needs for it, on top of the role.
 */
export function projectProcedure(roles: readonly Role[], scope: ProcedureScope, opts: { costly?: boolean } = {}) {
  return t.procedure
    .meta({ access: { kind: "project", roles, scope }, costly: opts.costly ?? false })
    .use(mapErrors)
    .use(async ({ ctx, next, getRawInput }) => {
      const ref = ProjectRef.safeParse(await getRawInput());
      if (!ref.success) {
        // Logged out comes before a bad input, as for every other builder.
        if (!(await resolveCaller(ctx))) throw notLoggedIn();
        throw new TRPCError({ code: "BAD_REQUEST", message: "projectId is required" });
      }
      const projectId = ref.data.projectId;
      const { user, role, grant } = await userAndRole(ctx, projectId);
      if (!role) throw new TRPCError({ code: "NOT_FOUND", message: "Project not found" });
      if (grant) admitToken(ctx, grant, scope, projectId);
      if (!roles.includes(role)) {
        throw new TRPCError({ code: "FORBIDDEN", message: `Your role (${role}) cannot do that in this project` });
      }
      if (opts.costly) admitCostlyCall(ctx, user);
      return asCaller(grant, () => next({ ctx: { ...ctx, user, apiToken: grant, project: { id: projectId, role } } }));
    })
    .use(refuseUnstorableText);
}

/**
 * Reads that scan a project (counts, search, charts, the audit log) are open to low roles
 * and batchable: each user gets a budget of them per minute and web process, so one
 * account, or a script holding its session, cannot keep the database busy for everyone.
 */
function admitCostlyCall(ctx: Context, user: SessionUser): void {
  if (ctx.costlyCallsPerMinute === undefined) return;
  if (!takeTokenCall(`costly:${user.id}:${user.email}`, ctx.costlyCallsPerMinute)) {
    throw new TRPCError({
      code: "TOO_MANY_REQUESTS",
      message: "Too many heavy requests (searches, counts, charts) in a minute; wait a moment and try again",
    });
  }
}

/**
 * What a project procedure hands its service verb: the project the builder
 * checked (never the input's own projectId) and the caller as the actor. An
 * input with a field of its own called actorId is a type error, not a silent overwrite.
 */
export function inProject<I extends object>(
  ctx: { project: { id: number }; user: { id: number } },
  input: I & { actorId?: never },
): Omit<I, "projectId"> & { projectId: number; actorId: number } {
  return { ...input, projectId: ctx.project.id, actorId: ctx.user.id };
}

type UserAndRole = { user: SessionUser; role: Role | null; grant: ApiTokenGrant | null };

/** One statement for an HTTP request (session or token + role), the role alone for a caller that knows its user. */
async function userAndRole(ctx: Context, projectId: number): Promise<UserAndRole> {
  if (ctx.user !== FROM_SESSION) {
    if (!ctx.user) throw notLoggedIn();
    return { user: ctx.user, role: await roleInProject(ctx.db, ctx.user, projectId), grant: null };
  }
  if (ctx.bearerToken != null) {
    const found = await resolveApiToken(ctx.db, { token: ctx.bearerToken, projectId });
    if (!found) throw badToken();
    return found;
  }
  const found = ctx.sessionToken
    ? await getSessionUserWithRole(ctx.db, ctx.sessionToken, ctx.sessionSecret, projectId)
    : null;
  if (!found) throw notLoggedIn();
  return { ...found, grant: null };
}
