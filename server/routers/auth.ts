/** Logging in and out, and who the caller is. */
import { authedProcedure, publicProcedure, router } from "../trpc";
import { ChangePasswordInput, LoginInput } from "../schemas/auth";
import { changePassword, DEFAULT_SESSION_IDLE_MINUTES, logIn, logOut, logOutEverywhere } from "@/server/services/auth";
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
      idleMinutes: ctx.sessionIdleMinutes,
    });
    ctx.setCookie?.(sessionCookie(token, expiresAt, ctx.secureCookies));
    return { user };
  }),

  /** Needs the current password; ends every session of the user and gives this browser a new one. */
  changePassword: authedProcedure("session")
    .input(ChangePasswordInput)
    .mutation(async ({ ctx, input }) => {
      const { token, expiresAt } = await changePassword(ctx.db, {
        ...input,
        user: ctx.user,
        clientKey: ctx.clientKey,
        secret: ctx.sessionSecret,
        ttlHours: ctx.sessionTtlHours,
        idleMinutes: ctx.sessionIdleMinutes ?? DEFAULT_SESSION_IDLE_MINUTES,
      });
      ctx.setCookie?.(sessionCookie(token, expiresAt, ctx.secureCookies));
      return { ok: true };
    }),

  /** Ends every session of the caller, this one included. */
  logoutEverywhere: authedProcedure("session").mutation(async ({ ctx }) => {
    const result = await logOutEverywhere(ctx.db, { user: ctx.user });
    ctx.setCookie?.(clearedSessionCookie(ctx.secureCookies));
    return result;
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
