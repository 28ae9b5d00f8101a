/**
 * `npm run worker` as bench:chaos runs and kills it: node with tsx as a loader (the `tsx` command
 * would leave its child running after a SIGKILL of the wrapper), in a process group of its own.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";

export type WorkerProcess = {
  child: ChildProcess;
  output: string[];
  /** SIGKILL of the whole group; resolves once it is gone. */
  kill: () => Promise<void>;
  /** SIGTERM (the worker finishes its jobs), SIGKILL after 15 s. */
  stop: () => Promise<void>;
};

const exited = (c: ChildProcess) =>
  new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once("exit", () => r())));

export async function startWorkerProcess(url: string, staleRunMs: number): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts", "--poll", "0.5"], {
    detached: true,
    env: {
      ...process.env,
      DATABASE_URL: url,
      SESSION_SECRET: randomBytes(32).toString("hex"),
      LOUPE_MODE: "production",
      LOUPE_STALE_RUN_MS: String(staleRunMs),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  let ready: () => void = () => {};
  const up = new Promise<void>((r) => (ready = r));
  child.stdout!.on("data", (d: Buffer) => {
    output.push(d.toString());
    if (output.join("").includes("running (queues")) ready();
  });
  child.stderr!.on("data", (d: Buffer) => output.push(d.toString()));
  const gone = exited(child);
  const failed = gone.then(() => {
    throw new Error(`the worker exited before it was up: ${output.join("").slice(-2000)}`);
  });
  const timeout = new Promise<never>((_, no) =>
    setTimeout(
      () => no(new Error(`the worker did not start in 120 s: ${output.join("").slice(-2000)}`)),
      120_000,
    ).unref(),
  );
  await Promise.race([up, failed, timeout]);
  failed.catch(() => {}); // exits later are the kills'
  const signal = (s: NodeJS.Signals) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, s);
    } catch {
      /* already gone */
    }
  };
  return {
    child,
    output,
    kill: async () => {
      signal("SIGKILL");
      await gone;
    },
    stop: async () => {
      signal("SIGTERM");
      await Promise.race([gone, new Promise((r) => setTimeout(r, 15_000))]);
      signal("SIGKILL");
      await gone;
    },
  };
}
