/** Accounts: instance administrators only. There is no sign-up procedure anywhere. */
import { instanceAdminProcedure, router } from "../trpc";
import { UsersCreateInput, UsersListInput, UsersResetPasswordInput, UsersSetDisabledInput } from "../schemas/users";
import { createUser, listUsers, resetUserPassword, setUserDisabled } from "@/server/services/users";

export const usersRouter = router({
  list: instanceAdminProcedure("session")
    .input(UsersListInput)
    .query(({ ctx, input }) => listUsers(ctx.db, input)),

  /** `generatedPassword` is returned once and never stored in clear. */
  create: instanceAdminProcedure("session")
    .input(UsersCreateInput)
    .mutation(({ ctx, input }) => createUser(ctx.db, { ...input, actorId: ctx.user.id })),

  setDisabled: instanceAdminProcedure("session")
    .input(UsersSetDisabledInput)
    .mutation(({ ctx, input }) => setUserDisabled(ctx.db, { ...input, actorId: ctx.user.id })),

  resetPassword: instanceAdminProcedure("session")
    .input(UsersResetPasswordInput)
    .mutation(({ ctx, input }) => resetUserPassword(ctx.db, { ...input, actorId: ctx.user.id })),
});
