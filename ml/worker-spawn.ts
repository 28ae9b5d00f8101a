import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

/**
 * Starts a worker thread on the module `base` (no extension) beside `self` (an import.meta.url).
 * The source is TypeScript when run from the repo: register tsx's loader inside the worker first
 * (tsx is an app dependency). A compiled build (.js next to the caller) is loaded directly.
 */
export function spawnModuleWorker(self: string, base: string, workerData: unknown): Worker {
  const url = new URL(self.endsWith(".ts") ? `./${base}.ts` : `./${base}.js`, self);
  if (!url.pathname.endsWith(".ts")) return new Worker(url, { workerData });
  // The ESM entry of tsx/esm/api (its CJS twin cannot register hooks from an eval worker).
  const tsxPkg = createRequire(self).resolve("tsx/package.json");
  const tsxApi = pathToFileURL(path.join(path.dirname(tsxPkg), "dist/esm/api/index.mjs")).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
