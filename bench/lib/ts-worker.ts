import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

/** Starts a worker thread running a TypeScript module, through tsx's loader. */
export function spawnTsWorker(moduleUrl: string, workerData: unknown): Worker {
  const tsxPkg = createRequire(moduleUrl).resolve("tsx/package.json");
  const tsxApi = pathToFileURL(path.join(path.dirname(tsxPkg), "dist/esm/api/index.mjs")).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(moduleUrl)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
