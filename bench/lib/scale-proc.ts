/**
 * Processes of the scale bench: peak memory read from /proc (VmHWM is the
 * kernel's own high-water mark; VmRSS sampled for the peak within one step) and
 * `npm run worker` processes spawned as node with tsx as a loader, each in its own
 * process group (the tsx wrapper's child outlives a kill of the wrapper, see the
 * worker-kill test), so the pid read is the worker's own.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

function statusKb(pid: number, field: "VmRSS" | "VmHWM"): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export const rssMb = (pid: number): number | null => {
  const kb = statusKb(pid, "VmRSS");
  return kb === null ? null : kb / 1024;
};
export const hwmMb = (pid: number): number | null => {
  const kb = statusKb(pid, "VmHWM");
  return kb === null ? null : kb / 1024;
};

/** Samples VmRSS of the given pids (this process included as "bench") every `everyMs` until stopped. */
export function rssSampler(pids: Record<string, number>, everyMs = 200) {
  const peak: Record<string, number> = {};
  const take = () => {
    for (const [name, pid] of Object.entries({ bench: process.pid, ...pids })) {
      const mb = rssMb(pid);
      if (mb !== null) peak[name] = Math.max(peak[name] ?? 0, mb);
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop: (): Record<string, number> => {
      take();
      clearInterval(timer);
      return peak;
    },
  };
}

export type WorkerProc = { pid: number; child: ChildProcess; output: string[]; stop: () => Promise<number | null> };

/** One `npm run worker` (scripts/worker.ts) against `databaseUrl`; resolves once it says it is running. */
export async function spawnWorker(databaseUrl: string, timeoutMs = 120_000): Promise<WorkerProc> {
  const child = spawn(process.execPath, ["--import", "tsx", path.resolve("scripts/worker.ts")], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOUPE_MODE: "production", NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const output: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the worker did not start in time")), timeoutMs);
    child.stdout?.on("data", (d: Buffer) => {
      output.push(d.toString());
      if (output.join("").includes("running (queues")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on("data", (d: Buffer) => output.push(d.toString()));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the worker exited with ${code}: ${output.join("").slice(-1500)}`));
    });
  });
  await ready;
  const pid = child.pid!;
  const stop = async (): Promise<number | null> => {
    const peak = hwmMb(pid);
    if (child.exitCode !== null) return peak;
    const exited = new Promise((r) => child.once("exit", r));
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      return peak;
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    return peak;
  };
  return { pid, child, output, stop };
}
