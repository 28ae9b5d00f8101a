/** Inputs of the API token procedures. */
import { z } from "zod";
import { API_TOKEN_MAX_DAYS, TOKEN_SCOPES } from "@/lib/constants";
import { Cursor, Id, Limit } from "./common";

export const TokenScopeInput = z.enum(TOKEN_SCOPES);

export const TokensCreateInput = z.object({
  name: z.string().trim().min(1, "Name the token (what uses it)").max(100),
  scopes: z
    .array(TokenScopeInput)
    .min(1, "Pick at least one scope")
    .max(TOKEN_SCOPES.length)
    .refine((s) => new Set(s).size === s.length, "Each scope at most once"),
  /** Omitted: every project the owner is in. */
  projectIds: z.array(Id).min(1).max(100).optional(),
  /** Days until it expires; null: never. */
  expiresInDays: z.number().int().min(1).max(API_TOKEN_MAX_DAYS).nullable().default(90),
});

export const TokensListInput = z.object({
  /** Everyone's tokens (instance administrators only). */
  all: z.boolean().default(false),
  cursor: Cursor,
  limit: Limit,
});

export const TokensRevokeInput = z.object({ tokenId: Id });
