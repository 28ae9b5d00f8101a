/** The only reader of process.env: validated once, typed everywhere. */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseTrustProxy } from "./http/client-address";
import { keepPrivate, sessionSecretFile, writePrivateFile } from "./private-file";

const EnvSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  /**
   * Postgres connections per process. Beyond the database's cores more
   * connections only queue inside Postgres instead of in the driver; 10 suits
   * a small (2–4 core) database shared by a web process and a worker.
   */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** Postgres: statements answering a request are cancelled after this long (0 = never); jobs are not limited. */
  LOUPE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(15_000),
  LOUPE_DATA_DIR: z.string().min(1).default(".data"),
  LOUPE_MODE: z.enum(["demo", "production"]).optional(),
  SESSION_SECRET: z.string().optional(),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 7),
  /** A session nobody used for this long is over (idle timeout; the absolute one is SESSION_TTL_HOURS). */
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(60 * 24 * 30)
    .default(480),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Address npm start's server listens on; unset: loopback in the demo, every interface in production (listenHost). */
  HOST: z.string().trim().min(1).max(255).optional(),
  /** Extra origins allowed to call mutations (comma separated), besides the request's own host. */
  ALLOWED_ORIGINS: z.string().default(""),
  /** Calls per minute per API token in each web process (a burst of a minute's worth is allowed). */
  API_TOKEN_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** Calls per minute per user (and web process) to the procedures that scan a project: search, counts, charts, audit log. */
  COSTLY_CALLS_PER_MINUTE: z.coerce.number().int().min(10).max(1_000_000).default(600),
  /** Proxies whose X-Forwarded-For is believed: empty (none), a hop count, or addresses/CIDRs (server/http/client-address.ts). */
  TRUST_PROXY: z
    .string()
    .default("")
    .superRefine((v, ctx) => {
      try {
        parseTrustProxy(v);
      } catch (e) {
        ctx.addIssue({ code: "custom", message: (e as Error).message });
      }
    }),
  /** Set by npm start's server (scripts/serve.ts): the per-process header carrying the socket's peer address. */
  LOUPE_PEER_HEADER: z.string().optional(),
  /** Webhooks may target private, loopback and link-local addresses (tests, a receiver on the same network). */
  LOUPE_WEBHOOKS_ALLOW_PRIVATE: z
    .enum(["true", "false", "1", "0", ""])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  /** First retry of a failed webhook delivery after this long; each next one waits 5x longer. */
  LOUPE_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(30_000),
  LOUPE_WORKER: z.enum(["inline", "off"]).default("inline"),
  /**
   * A training run whose heartbeat is older than this is failed as dead (its worker was killed or lost the
   * database). A live run beats every sixth of it from a timer, whatever it is doing, so only a worker whose
   * event loop stalls for this long is mistaken for dead; workers check for dead runs every third of it.
   */
  LOUPE_STALE_RUN_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(120_000),
  /** Where models train and predict: a compute thread of their own, or the calling thread. */
  LOUPE_COMPUTE: z.enum(["thread", "inline"]).default("thread"),
  DEMO_SEED: z.coerce.number().int().default(42),
  DEMO_POOL_SIZE: z.coerce.number().int().min(100).max(500_000).default(20_000),
  DEMO_TEST_SIZE: z.coerce.number().int().min(50).max(100_000).default(2_000),
  /** Share of demo pool items seeded with legacy labels so a first model trains at once (0 = cold start). */
  DEMO_LEGACY_LABEL_SHARE: z.coerce.number().min(0).max(0.5).default(0.05),
  NODE_ENV: z.string().default("development"),
});

export type Env = z.infer<typeof EnvSchema> & { mode: "demo" | "production"; sessionSecret: string; pgliteDir: string };

/**
 * Outside the demo, the session secret must be set and strong; in the demo one
 * is generated and kept in the data folder. It is resolved on first use, so
 * CLIs and the worker (which never see a session) don't need it; the web
 * server reads it at boot (instrumentation.ts) and refuses to start without it.
 */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = EnvSchema.parse(source);
  const mode = parsed.LOUPE_MODE ?? (parsed.DATABASE_URL ? "production" : "demo");
  const pgliteDir = path.resolve(parsed.LOUPE_DATA_DIR, "pglite");
  let secret: string | undefined;
  const e = { ...parsed, mode, pgliteDir } as Env;
  Object.defineProperty(e, "sessionSecret", {
    enumerable: true,
    get: () => (secret ??= resolveSecret(parsed.SESSION_SECRET, mode, parsed.LOUPE_DATA_DIR)),
  });
  return e;
}

function resolveSecret(given: string | undefined, mode: "demo" | "production", dataDir: string): string {
  if (given !== undefined) {
    // Length and variety: "aaaa…" or a repeated word is not a secret.
    if (given.length < 32 || new Set(given).size < 8) {
      throw new Error("SESSION_SECRET must be at least 32 random characters (e.g. `openssl rand -hex 32`).");
    }
    return given;
  }
  if (mode === "production") {
    throw new Error("SESSION_SECRET is required outside the demo (set LOUPE_MODE=demo only for local trials).");
  }
  const file = sessionSecretFile(dataDir);
  if (existsSync(file)) {
    keepPrivate(file);
    return readFileSync(file, "utf8").trim();
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("hex");
  writePrivateFile(file, secret);
  return secret;
}

/**
 * Where npm start's web server listens. The demo (generated secret, passwords printed and
 * saved in a file) is for this machine: loopback unless HOST says otherwise. Production
 * listens on every interface unless HOST narrows it (undefined = every interface).
 */
export function listenHost(e: Pick<Env, "HOST" | "mode">): string | undefined {
  return e.HOST ?? (e.mode === "demo" ? "127.0.0.1" : undefined);
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= loadEnv();
  return cached;
}
