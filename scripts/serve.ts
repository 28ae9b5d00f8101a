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
  const [{ default: next }, { isTrpcPath, serveTrpc }, { loadEnv }] = await Promise.all([
    import("next"),
    import("../server/http-node"),
    import("../server/env"),
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
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: closing the web server`);
    // Open keep-alive sockets would hold close() up: idle ones go now, the rest after their response.
    server.closeIdleConnections();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
