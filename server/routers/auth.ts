/** Logging in and out, and who the caller is. */
import { authedProcedure, publicProcedure, router } from "../trpc";
import { LoginInput } from "../schemas/auth";
import { logIn, logOut } from "@/server/services/auth";
import { listMyProjects } from "@/server/services/projects";
import { sessionCookie, clearedSessionCookie } from "../auth/cookies";

export const authRouter = router({
  /** Rotates: any session the browser held is revoked and a new one issued. */
  login: publicProcedure.input(LoginInput).mutation(async ({ ctx, input }) => {
    const { user, token, expiresAt } = await logIn(ctx.db, {
      ...input,
      clientKey: ctx.clientKey,
      previousToken: ctx.sessionToken,
      secret: ctx.sessionSecret,
      ttlHours: ctx.sessionTtlHours,
    });
    ctx.setCookie?.(sessionCookie(token, expiresAt, ctx.secureCookies));
    return { user };
  }),

  logout: publicProcedure.mutation(async ({ ctx }) => {
    await logOut(ctx.db, { token: ctx.sessionToken, secret: ctx.sessionSecret });
    ctx.setCookie?.(clearedSessionCookie(ctx.secureCookies));
    return { ok: true };
  }),

  me: authedProcedure("read").query(async ({ ctx }) => ({
    user: ctx.user,
    projects: await listMyProjects(ctx.db, { actor: ctx.user, onlyProjectIds: ctx.apiToken?.projectIds }),
  })),
});
