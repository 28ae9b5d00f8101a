import { authedProcedure, publicProcedure, router } from "../trpc";
import { LoginInput } from "../schemas/auth";
import { createSession, revokeSession, verifyCredentials } from "@/server/services/auth";
import { listMyProjects } from "@/server/services/projects";
import { sessionCookie, clearedSessionCookie } from "../auth/cookies";

export const authRouter = router({
  /** Rotates: any session the browser held is revoked and a new one issued. */
  login: publicProcedure.input(LoginInput).mutation(async ({ ctx, input }) => {
    const user = await verifyCredentials(ctx.db, input.email, input.password, ctx.clientKey);
    if (ctx.sessionToken) await revokeSession(ctx.db, ctx.sessionToken, ctx.sessionSecret);
    const { token, expiresAt } = await createSession(ctx.db, user.id, ctx.sessionSecret, ctx.sessionTtlHours);
    ctx.setCookie?.(sessionCookie(token, expiresAt, ctx.secureCookies));
    return { user };
  }),

  logout: publicProcedure.mutation(async ({ ctx }) => {
    if (ctx.sessionToken) await revokeSession(ctx.db, ctx.sessionToken, ctx.sessionSecret);
    ctx.setCookie?.(clearedSessionCookie(ctx.secureCookies));
    return { ok: true };
  }),

  me: authedProcedure.query(async ({ ctx }) => {
    return { user: ctx.user, projects: await listMyProjects(ctx.db, ctx.user) };
  }),
});
