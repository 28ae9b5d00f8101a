/** The server under test: `npm start`'s web server (or plain `next start`) on a free loopback port, built first if needed. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import path from "node:path";

/** TRUST_PROXY for bench servers: the bench's loopback client forwards each simulated person's address. */
export const LOOPBACK_PROXY = "127.0.0.1/8,::1/128";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/**
 * A private copy of the build: several people share this checkout and a
 * colleague's `next build` replaces .next under a running server. The copy
 * holds .next itself; every other top-level entry is a symlink to the checkout.
 */
export async function snapshotBuild(log: (s: string) => void): Promise<{ dir: string; remove: () => void }> {
  const buildId = path.resolve(".next/BUILD_ID");
  // Another build in progress: wait for it (bounded) instead of starting a second one.
  for (let i = 0; i < 60 && !existsSync(buildId) && existsSync(path.resolve(".next/lock")); i++) {
    if (i === 0) log("a build is in progress in this checkout; waiting for it");
    await new Promise((r) => setTimeout(r, 5000));
  }
  if (!existsSync(buildId)) {
    log("no .next/BUILD_ID: running `npx next build` first");
    const r = spawnSync("npx", ["next", "build"], { stdio: ["ignore", "inherit", "inherit"] });
    if (r.status !== 0) throw new Error(`next build failed (exit ${r.status})`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), "loupe-bench-app-"));
  for (const name of readdirSync(process.cwd())) {
    if (name !== ".next" && name !== ".git") symlinkSync(path.resolve(name), path.join(dir, name));
  }
  cpSync(path.resolve(".next"), path.join(dir, ".next"), {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}cache`),
  });
  if (!existsSync(path.join(dir, ".next/BUILD_ID")))
    throw new Error("the build changed while it was copied; run the bench again");
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One secret for every server this bench starts: a session from one must be valid on the others. */
const SESSION_SECRET = randomBytes(32).toString("hex");

export type RunningServer = { base: string; child: ChildProcess; stderr: string[]; stop: () => Promise<void> };

/** "loupe": scripts/serve.ts, what `npm start` runs; "next": plain `next start` (tRPC through Next's route), for comparison. */
export type ServerKind = "loupe" | "next";

export async function startServer(
  appDir: string,
  databaseUrl: string,
  log: (s: string) => void,
  opts: { kind?: ServerKind; timeoutMs?: number } = {},
): Promise<RunningServer> {
  const { kind = "loupe", timeoutMs = 120_000 } = opts;
  const port = await freePort();
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") adds node flags to the server process.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? [];
  const listen = ["-p", String(port), "-H", "127.0.0.1"];
  const entry =
    kind === "loupe"
      ? ["--import", "tsx", path.join(appDir, "scripts/serve.ts")]
      : [path.join(appDir, "node_modules/next/dist/bin/next"), "start"];
  const child = spawn(process.execPath, [...nodeArgs, ...entry, ...listen], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      LOUPE_MODE: "production",
      SESSION_SECRET,
      LOUPE_WORKER: "off",
      NODE_ENV: "production",
      // The bench client is a proxy on loopback forwarding one address per simulated person (api-client.ts).
      TRUST_PROXY: LOOPBACK_PROXY,
    },
    cwd: appDir,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group, so stop() ends it and any child together
  });
  const stderr: string[] = [];
  child.stderr?.on("data", (d: Buffer) => stderr.push(d.toString()));
  child.stdout?.on("data", () => {});
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((r) => child.once("exit", r));
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return;
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the ${kind} server exited with ${child.exitCode}: ${stderr.join("").slice(-2000)}`);
    try {
      const r = await fetch(`${base}/api/trpc/auth.me`);
      if (r.status === 401 || r.ok) {
        log(`server ready on ${base} (pid ${child.pid})`);
        return { base, child, stderr, stop };
      }
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error("the server did not become ready in time");
}
