/**
 * The production web server (what `npm start` runs once built and seeded):
 * Next.js's request handler for pages, assets and the import/export routes;
 * /api/trpc answered straight from node:http (server/http-node.ts) with the
 * same handler the Next route uses. Next still runs instrumentation.ts, so the
 * inline job worker starts as under `next start`.
 *
 *   tsx scripts/serve.ts [-p PORT] [-H HOSTNAME]   (defaults: $PORT or 3000, all interfaces)
 */
import { createServer } from "node:http";
import { parseArgs } from "node:util";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } } });
  // Before Next loads: it serves the build (dev: false) and expects a production NODE_ENV with it.
  (process.env as Record<string, string>).NODE_ENV = "production";
  const [{ default: next }, { isTrpcPath, serveTrpc }, { loadEnv }, { stopInlineWorker }, { closeDbHandle }] = await Promise.all([
    import("next"),
    import("../server/http-node"),
    import("../server/env"),
    import("../server/jobs"),
    import("../server/db"),
  ]);
  const port = values.port ? Number(values.port) : loadEnv().PORT;
  const hostname = values.hostname;
  const app = next({ dev: false, dir: process.cwd(), hostname: hostname ?? "localhost", port });
  const handle = app.getRequestHandler();
  await app.prepare();

  const server = createServer((req, res) => {
    if (isTrpcPath(req.url)) void serveTrpc(req, res);
    else void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, resolve);
  });
  console.log(`Loupe web server listening on http://${hostname ?? "localhost"}:${port}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing the web server`);
    // A second signal, or a shutdown stuck for 30 s, ends the process at once.
    setTimeout(() => process.exit(1), 30_000).unref();
    // Idle keep-alive sockets go now; requests in flight finish and get their answer.
    const closed = new Promise((r) => server.close(r));
    server.closeIdleConnections();
    await closed;
    // Then the jobs and the database, so an embedded PGlite folder is closed cleanly.
    await stopInlineWorker().catch((e: unknown) => console.error("stopping the job worker:", e));
    await closeDbHandle().catch((e: unknown) => console.error("closing the database:", e));
    console.log("stopped");
    process.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => (stopping ? process.exit(1) : void stop(signal)));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
