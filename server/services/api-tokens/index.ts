/**
 * Personal access tokens (the api_tokens table): what a pipeline sends as
 * `Authorization: Bearer loupe_pat_…`. The procedure builders (server/trpc.ts)
 * resolve them; admitTokenCall checks scopes, projects and the throttle.
 */
export { createApiToken, listApiTokens, revokeApiToken } from "./tokens";
export type { CreateApiTokenInput, ListApiTokensInput, RevokeApiTokenInput } from "./tokens";
export { LAST_USED_RESOLUTION_MS, resolveApiToken } from "./resolve";
export type { ApiTokenGrant, ResolvedToken } from "./resolve";
export { takeTokenCall } from "./throttle";
export { admitTokenCall } from "./admit";
export type { TokenRefusal } from "./admit";
