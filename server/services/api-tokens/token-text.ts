/** The token's text: what is handed out once, what is stored, and what lists show. */
import { createHash, randomBytes } from "node:crypto";
import { API_TOKEN_PREFIX } from "@/lib/constants";

/** Prefix + 32 random bytes (43 base64url characters). */
export function generateTokenText(): string {
  return API_TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

/** sha256 is enough: the token carries 256 random bits, there is nothing to guess. */
export function hashTokenText(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Enough of the token to recognise it in a list, far too little to use it. */
export function displayPrefix(token: string): string {
  return token.slice(0, API_TOKEN_PREFIX.length + 4);
}

/** Anything that cannot be a token is refused without a database round trip. */
export function looksLikeToken(token: string): boolean {
  return token.startsWith(API_TOKEN_PREFIX) && token.length === API_TOKEN_PREFIX.length + 43;
}
