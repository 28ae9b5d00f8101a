/**
 * API tokens: everyone manages their own, instance admins see and revoke
 * everyone's. Browser sessions only ("session" scope): a token cannot mint or
 * revoke tokens, so a leaked one cannot widen or entrench itself.
 */
import { authedProcedure, router } from "../trpc";
import { TokensCreateInput, TokensListInput, TokensRevokeInput } from "../schemas/tokens";
import { createApiToken, listApiTokens, revokeApiToken } from "@/server/services/api-tokens";

const own = authedProcedure("session");

export const tokensRouter = router({
  /** `token` is in this answer only: it is stored as a hash. */
  create: own
    .input(TokensCreateInput)
    .mutation(({ ctx, input }) => createApiToken(ctx.db, { ...input, actor: ctx.user })),
  list: own.input(TokensListInput).query(({ ctx, input }) => listApiTokens(ctx.db, { ...input, actor: ctx.user })),
  revoke: own
    .input(TokensRevokeInput)
    .mutation(({ ctx, input }) => revokeApiToken(ctx.db, { ...input, actor: ctx.user })),
});
