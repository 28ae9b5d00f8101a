/** People: accounts, sessions, failed logins and API tokens. */
import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import type { TokenScope } from "@/lib/constants";
import { ts, createdAt } from "./columns";

export const users = pgTable("users", {
  id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  passwordHash: text("password_hash").notNull(),
  /** Instance administrator: may create projects and users everywhere. */
  isAdmin: boolean("is_admin").notNull().default(false),
  disabledAt: ts("disabled_at"),
  createdAt: createdAt(),
});

export const sessions = pgTable(
  "sessions",
  {
    /** sha256 of the cookie token: a database leak does not leak live sessions. */
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    expiresAt: ts("expires_at").notNull(),
    revokedAt: ts("revoked_at"),
    /**
     * Idle timeout: a session unused for `idle_minutes` is over. Kept per session (the
     * setting when it began), so checking it needs no configuration; `last_seen_at` is
     * moved at most once a minute.
     */
    idleMinutes: integer("idle_minutes").notNull().default(480),
    lastSeenAt: ts("last_seen_at").notNull().defaultNow(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const loginFailures = pgTable(
  "login_failures",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    key: text("key").notNull(),
    at: ts("at").notNull().defaultNow(),
  },
  (t) => [index("login_failures_key_at_idx").on(t.key, t.at)],
);

/**
 * Personal access tokens. Only the sha256 of the token is stored (it is 32
 * random bytes, so a plain hash cannot be brute-forced, and rotating
 * SESSION_SECRET does not invalidate every pipeline's token). What a token may
 * do is read at each use: its scopes and projects, and its owner's current roles.
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    /** The first characters of the token, shown in lists so people can tell tokens apart. */
    prefix: text("prefix").notNull(),
    scopes: text("scopes").array().notNull().$type<TokenScope[]>(),
    /** null: every project the owner is in. */
    projectIds: integer("project_ids").array().$type<number[]>(),
    expiresAt: ts("expires_at"),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
    revokedById: integer("revoked_by_id").references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [
    index("api_tokens_user_idx").on(t.userId, t.id),
    check(
      "api_tokens_scopes_check",
      sql`${t.scopes} <@ array['read', 'write', 'ml']::text[] and cardinality(${t.scopes}) > 0`,
    ),
  ],
);
