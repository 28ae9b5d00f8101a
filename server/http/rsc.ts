/**
 * tRPC for server components: a caller built from the request's session
 * cookie, once per request (React `cache`). Pages call procedures exactly as
 * the browser does, so every access rule stays in the procedures.
 *
 *   const caller = await getCaller();
 *   const rows = await unwrap(caller.items.list({ projectId, limit: 50 }));
 */
import "server-only";
import { cache } from "react";
import { cookies, headers } from "next/headers";
import { forbidden, notFound, redirect } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { appRouter } from "@/server/routers/_app";
import { createCallerFactory } from "@/server/trpc";
import { getRequestDb } from "@/server/db";
import { env } from "@/server/env";
import { SESSION_COOKIE } from "@/server/auth/cookies";
import { getSessionUser } from "@/server/services/auth";
import { CAN, type Role } from "@/lib/constants";
import { loginHref } from "@/app/_lib/safe-next";

const createCaller = createCallerFactory(appRouter);
export type ServerCaller = ReturnType<typeof createCaller>;

/** Set by proxy.ts; used only to come back after logging in. */
const REQUEST_PATH_HEADER = "x-loupe-path";

export const getCaller = cache(async (): Promise<ServerCaller> => {
  const e = env();
  const { db } = await getRequestDb();
  const token = (await cookies()).get(SESSION_COOKIE)?.value ?? null;
  const user = token ? await getSessionUser(db, token, e.sessionSecret) : null;
  return createCaller({
    db,
    user,
    sessionToken: token,
    sessionSecret: e.sessionSecret,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    costlyCallsPerMinute: e.COSTLY_CALLS_PER_MINUTE,
    clientKey: "rsc",
    // No setCookie: server components cannot write cookies; login/logout go through /api/trpc.
    secureCookies: false,
  });
});

/** The requested path (with query), for `?next=`. */
export async function requestPath(): Promise<string> {
  return (await headers()).get(REQUEST_PATH_HEADER) ?? "/";
}

export type Settled<T> = { ok: true; data: T } | { ok: false; code: TRPCError["code"]; message: string };

/**
 * Awaits a procedure call; logged out → redirect to login, NOT_FOUND → the
 * 404 page. Other tRPC errors come back as values so the page can show
 * "You don't have access" or an inline notice; unknown errors are rethrown
 * to the nearest error.tsx.
 */
export async function settle<T>(call: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, data: await call };
  } catch (err) {
    if (!(err instanceof TRPCError)) throw err;
    if (err.code === "UNAUTHORIZED") redirect(loginHref(await requestPath()));
    if (err.code === "NOT_FOUND") notFound();
    if (err.code === "INTERNAL_SERVER_ERROR") throw err;
    return { ok: false, code: err.code, message: err.message };
  }
}

/** Like `settle` but anything other than success throws: FORBIDDEN as the 403 page, the rest to error.tsx. */
export async function unwrap<T>(call: Promise<T>): Promise<T> {
  const r = await settle(call);
  if (r.ok) return r.data;
  if (r.code === "FORBIDDEN") forbidden();
  throw new TRPCError({ code: r.code, message: r.message });
}

/** The signed-in user and their projects; redirects to login when there is no session. */
export const requireMe = cache(async () => {
  const caller = await getCaller();
  return unwrap(caller.auth.me());
});

export type MyProject = Awaited<ReturnType<typeof requireMe>>["projects"][number];

/**
 * The project in the URL and the caller's role in it. A project the caller
 * cannot see is a 404, the same answer the procedures give (no existence leak).
 */
export const requireProject = cache(async (projectIdParam: string): Promise<MyProject> => {
  const id = /^[1-9][0-9]{0,9}$/.test(projectIdParam) ? Number(projectIdParam) : NaN;
  if (!Number.isSafeInteger(id)) notFound();
  const me = await requireMe();
  const project = me.projects.find((p) => p.id === id);
  if (!project) notFound();
  return project;
});

export type Capability = keyof typeof CAN;

export function roleCan(role: Role, capability: Capability): boolean {
  return (CAN[capability] as readonly Role[]).includes(role);
}
