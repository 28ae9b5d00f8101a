import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

/**
 * Starts a worker thread on the module `base` (no extension) beside `self` (an import.meta.url).
 * The source is TypeScript when run from the repo: register tsx's loader inside the worker first
 * (tsx is an app dependency). A compiled build (.js next to the caller) is loaded directly.
 */
function workerUrl(self: string, base: string): URL {
  return new URL(self.endsWith(".ts") ? `./${base}.ts` : `./${base}.js`, self);
}

/**
 * False where the module is not on disk beside the caller (code bundled into another file, as a
 * web framework's server build does): callers then do the work in this thread.
 */
export function moduleWorkerAvailable(self: string, base: string): boolean {
  try {
    return self.startsWith("file:") && existsSync(fileURLToPath(workerUrl(self, base)));
  } catch {
    return false;
  }
}

export function spawnModuleWorker(self: string, base: string, workerData: unknown): Worker {
  const url = workerUrl(self, base);
  if (!url.pathname.endsWith(".ts")) return new Worker(url, { workerData });
  // The ESM entry of tsx/esm/api (its CJS twin cannot register hooks from an eval worker).
  const tsxPkg = createRequire(self).resolve("tsx/package.json");
  const tsxApi = pathToFileURL(path.join(path.dirname(tsxPkg), "dist/esm/api/index.mjs")).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
