/**
 * tRPC in three parts: 1. context, 2. init, 3. procedure builders.
 * Every procedure is built from one of the builders below, and each builder
 * records who may call it in `meta.access`; the role × procedure test reads it.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z } from "zod";
import type { Db } from "@/db/client";
import type { Role } from "@/lib/constants";
import { getSessionUser, getSessionUserWithRole, roleInProject, type SessionUser } from "@/server/services/auth";
import { ServiceError, toTRPCError } from "./errors";

// 1. Context -----------------------------------------------------------------
/**
 * `Context.user` for HTTP requests: the procedure builders look the session up
 * themselves, with the caller's project role in the same statement, instead
 * of the context spending a round trip on the user before the role.
 */
export const FROM_SESSION = Symbol("from-session");

export type Context = {
  db: Db;
  /** The caller; FROM_SESSION means "resolve sessionToken" (see requireUser and projectProcedure). */
  user: SessionUser | null | typeof FROM_SESSION;
  sessionToken: string | null;
  sessionSecret: string;
  sessionTtlHours: number;
  /** Client address, for login throttling. */
  clientKey: string;
  /** Adds a Set-Cookie header to the response (absent in server-side callers). */
  setCookie?: (cookie: string) => void;
  secureCookies: boolean;
};

export type Access =
  | { kind: "public" }
  | { kind: "authenticated" }
  | { kind: "instance_admin" }
  | { kind: "project"; roles: readonly Role[] };

export type Meta = { access: Access };

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

// 3. Procedure builders ---------------------------------------------------------
export const publicProcedure = t.procedure.meta({ access: { kind: "public" } }).use(mapErrors);

const notLoggedIn = () => new TRPCError({ code: "UNAUTHORIZED", message: "Please log in" });

async function resolveUser(ctx: Context): Promise<SessionUser | null> {
  if (ctx.user !== FROM_SESSION) return ctx.user;
  return ctx.sessionToken ? getSessionUser(ctx.db, ctx.sessionToken, ctx.sessionSecret) : null;
}

const requireUser = t.middleware(async ({ ctx, next }) => {
  const user = await resolveUser(ctx);
  if (!user) throw notLoggedIn();
  return next({ ctx: { ...ctx, user } });
});

export const authedProcedure = t.procedure
  .meta({ access: { kind: "authenticated" } })
  .use(mapErrors)
  .use(requireUser);

export const instanceAdminProcedure = t.procedure
  .meta({ access: { kind: "instance_admin" } })
  .use(mapErrors)
  .use(requireUser)
  .use(({ ctx, next }) => {
    if (!ctx.user.isAdmin) throw new TRPCError({ code: "FORBIDDEN", message: "Only administrators can do that" });
    return next();
  });

const ProjectRef = z.object({ projectId: z.number().int().positive() });

/** Resolves the caller's role in `input.projectId` before the input is parsed in full. */
export function projectProcedure(roles: readonly Role[]) {
  return t.procedure
    .meta({ access: { kind: "project", roles } })
    .use(mapErrors)
    .use(async ({ ctx, next, getRawInput }) => {
      const ref = ProjectRef.safeParse(await getRawInput());
      if (!ref.success) {
        // Logged out comes before a bad input, as for every other builder.
        if (!(await resolveUser(ctx))) throw notLoggedIn();
        throw new TRPCError({ code: "BAD_REQUEST", message: "projectId is required" });
      }
      const { user, role } = await userAndRole(ctx, ref.data.projectId);
      if (!role) throw new TRPCError({ code: "NOT_FOUND", message: "Project not found" });
      if (!roles.includes(role)) {
        throw new TRPCError({ code: "FORBIDDEN", message: `Your role (${role}) cannot do that in this project` });
      }
      return next({ ctx: { ...ctx, user, project: { id: ref.data.projectId, role } } });
    });
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

/** One statement for an HTTP request (session + role), the role alone for a caller that knows its user. */
async function userAndRole(ctx: Context, projectId: number): Promise<{ user: SessionUser; role: Role | null }> {
  if (ctx.user !== FROM_SESSION) {
    if (!ctx.user) throw notLoggedIn();
    return { user: ctx.user, role: await roleInProject(ctx.db, ctx.user, projectId) };
  }
  const found = ctx.sessionToken
    ? await getSessionUserWithRole(ctx.db, ctx.sessionToken, ctx.sessionSecret, projectId)
    : null;
  if (!found) throw notLoggedIn();
  return found;
}
