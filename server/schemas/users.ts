import { z } from "zod";
import { Cursor, Email, Id, Limit, PersonName, SearchText } from "./common";

/** Long passphrases beat complexity rules; 1024 bounds the hashing cost. */
export const Password = z.string().min(12, "Password must be at least 12 characters").max(1024);

export const UsersListInput = z.object({ search: SearchText, cursor: Cursor, limit: Limit });

export const UsersCreateInput = z.object({
  email: Email,
  name: PersonName,
  /** Omitted: a random one is generated and returned once. */
  password: Password.optional(),
  isAdmin: z.boolean().default(false),
});

export const UsersSetDisabledInput = z.object({ userId: Id, disabled: z.boolean() });

export const UsersResetPasswordInput = z.object({ userId: Id, password: Password.optional() });
