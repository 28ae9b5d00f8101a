/**
 * Starting a worker thread from TypeScript sources. Run from the repository (tsx, Vitest)
 * the worker's source is a .ts file: tsx's loader is registered inside the worker first
 * (tsx is an app dependency). A compiled build (.js next to the caller) loads directly.
 * Anything else (e.g. a module bundled by Next, whose siblings are not on disk) has none.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

export type WorkerFactory = (workerData?: unknown) => Worker;

/** A factory for the worker `name` (no extension) next to the module at `self` (its import.meta.url), or null. */
export function siblingWorker(self: string, name: string): WorkerFactory | null {
  if (!self.startsWith("file:")) return null;
  if (self.endsWith(".ts")) {
    const url = new URL(`./${name}.ts`, self);
    if (!existsSync(fileURLToPath(url))) return null;
    // The ESM entry of tsx/esm/api (its CJS twin cannot register hooks from an eval worker).
    const tsxPkg = createRequire(self).resolve("tsx/package.json");
    const tsxApi = pathToFileURL(path.join(path.dirname(tsxPkg), "dist/esm/api/index.mjs")).href;
    const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
    return (workerData) => new Worker(boot, { eval: true, workerData });
  }
  const js = new URL(`./${name}.js`, self);
  return existsSync(fileURLToPath(js)) ? (workerData) => new Worker(js, { workerData }) : null;
}
