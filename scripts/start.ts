/**
 * `npm start`: build the app when its sources changed, migrate, seed the
 * demo (PGlite mode), then serve it (scripts/serve.ts). With PGlite the
 * database belongs to one process, so seeding finishes and closes before the
 * server opens it.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { demoCredentialsFile, keepDemoFilesPrivate, writePrivateFile } from "../server/private-file";
import { createRequire } from "node:module";
import path from "node:path";
import { loadEnv } from "../server/env";
import { openDb } from "../db/client";
import { migrateDb } from "../db/migrate";
import { seedDemoProject } from "@/server/demo/seed";
import { requestTraining } from "@/server/services/training";

const ROOT = process.cwd();
const require = createRequire(import.meta.url);
const NEXT_BIN = require.resolve("next/dist/bin/next");
const STAMP = path.join(ROOT, ".next", "loupe-source-stamp");
const SOURCES = ["app", "server", "db", "ml", "public", "next.config.ts", "package-lock.json", "postcss.config.mjs"];

function sourceStamp(): string {
  const h = createHash("sha256");
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const name of readdirSync(p).sort())
        if (name !== "node_modules" && !name.startsWith(".")) walk(path.join(p, name));
    } else h.update(`${path.relative(ROOT, p)}:${st.size}:${st.mtimeMs}\n`);
  };
  SOURCES.forEach((s) => walk(path.join(ROOT, s)));
  return h.digest("hex");
}

function ensureBuilt(): void {
  const stamp = sourceStamp();
  const built =
    existsSync(path.join(ROOT, ".next", "BUILD_ID")) && existsSync(STAMP) && readFileSync(STAMP, "utf8") === stamp;
  if (built) return;
  console.log("Building the app (first start or sources changed)…");
  const r = spawnSync(process.execPath, [NEXT_BIN, "build"], { stdio: "inherit", env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
  writeFileSync(STAMP, stamp);
}

async function seedIfDemo(): Promise<void> {
  const env = loadEnv();
  const handle = await openDb({ url: env.DATABASE_URL, dataDir: env.pgliteDir });
  try {
    await migrateDb(handle);
    if (env.mode !== "demo") return;
    const seeded = await seedDemoProject(handle.db, {
      seed: env.DEMO_SEED,
      poolSize: env.DEMO_POOL_SIZE,
      testSize: env.DEMO_TEST_SIZE,
      password: process.env.LOUPE_DEMO_PASSWORD,
      legacyLabelShare: env.DEMO_LEGACY_LABEL_SHARE,
    });
    // The worker inside the server picks this queued run up on its first tick.
    if (seeded.created && env.DEMO_LEGACY_LABEL_SHARE > 0) {
      await requestTraining(handle.db, { projectId: seeded.projectId, trigger: "initial", actorId: null });
    }
    if (seeded.created) {
      printDemoCredentials(seeded.users);
      const file = demoCredentialsFile(env.LOUPE_DATA_DIR);
      writePrivateFile(file, seeded.users.map((u) => `${u.role}\t${u.email}\t${u.password}`).join("\n") + "\n");
      console.log(`(also saved to ${file})`);
    }
    // Every start, not only the first: a file left readable by others is closed again.
    keepDemoFilesPrivate(env.LOUPE_DATA_DIR);
  } finally {
    await handle.close();
  }
}

function printDemoCredentials(users: { email: string; role: string; password: string }[]): void {
  const line = "=".repeat(72);
  console.log(`\n${line}\n  DEMO CREDENTIALS (printed once; for local trials only, not for production)\n${line}`);
  for (const u of users) console.log(`  ${u.role.padEnd(12)} ${u.email.padEnd(26)} ${u.password}`);
  console.log(`${line}\n`);
}

async function main(): Promise<void> {
  const env = loadEnv();
  void env.sessionSecret; // fail before building when production mode has no strong secret
  ensureBuilt();
  await seedIfDemo();
  // Where it listens is said by the server once it is bound (HOST, or loopback in the demo).
  console.log(
    `Loupe (${env.mode}, ${env.DATABASE_URL ? "Postgres" : `PGlite at ${env.pgliteDir}`}): starting the web server`,
  );
  // The web server: Next for pages, tRPC straight from node:http (scripts/serve.ts).
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(ROOT, "scripts/serve.ts"), "-p", String(env.PORT)],
    {
      stdio: "inherit",
      env: { ...process.env, NODE_ENV: "production", LOUPE_WORKER: process.env.LOUPE_WORKER ?? "inline" },
    },
  );
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
  child.on("exit", (code) => process.exit(code ?? 0));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
